package io.jenkins.plugins.functions.testing;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import javax.net.ServerSocketFactory;

/**
 * Lets a {@link okhttp3.mockwebserver.Dispatcher} reach the socket of the request it is
 * dispatching, so that it can write a streamed response itself.
 *
 * <p>Why: okhttp's MockWebServer (3.12, which fabric8 6.10's mock server is built on) only sends
 * {@code MockResponse} bodies that are complete buffers, and a followed pod log must be sent as it
 * is written. MockWebServer serves each connection on one thread and calls the dispatcher on it,
 * so the socket accepted for that connection is remembered in a thread-local when the server
 * reads from it; the dispatcher writes the whole response to it and answers MockWebServer with
 * {@code SocketPolicy.DISCONNECT_AFTER_REQUEST}, which closes the socket without writing.
 * {@link ServerSocket#implAccept} is the documented way for a server socket to hand out its own
 * {@code Socket} subclass.
 */
final class ConnectionTracking {

    private static final ThreadLocal<Socket> CURRENT = new ThreadLocal<>();

    private ConnectionTracking() {}

    /** The socket the current thread last read a request from, or null. */
    static Socket currentSocket() {
        return CURRENT.get();
    }

    static Factory serverSocketFactory() {
        return new Factory();
    }

    /**
     * The server's socket factory; it also remembers the connections it accepted, so a test can
     * cut them all at once, as an API server restart or a network blink does.
     */
    static final class Factory extends ServerSocketFactory {
        private final java.util.Set<Socket> open = java.util.concurrent.ConcurrentHashMap.newKeySet();

        /** Closes every accepted connection: clients see their watches and streams break. */
        int closeAll() {
            int closed = 0;
            for (Socket s : open) {
                try {
                    s.close();
                    closed++;
                } catch (IOException e) {
                    // already gone
                }
                open.remove(s);
            }
            return closed;
        }

        @Override
        public ServerSocket createServerSocket() throws IOException {
            return new TrackingServerSocket(open);
        }

        @Override
        public ServerSocket createServerSocket(int port) throws IOException {
            ServerSocket s = new TrackingServerSocket(open);
            s.bind(new java.net.InetSocketAddress(port));
            return s;
        }

        @Override
        public ServerSocket createServerSocket(int port, int backlog) throws IOException {
            ServerSocket s = new TrackingServerSocket(open);
            s.bind(new java.net.InetSocketAddress(port), backlog);
            return s;
        }

        @Override
        public ServerSocket createServerSocket(int port, int backlog, InetAddress address) throws IOException {
            ServerSocket s = new TrackingServerSocket(open);
            s.bind(new java.net.InetSocketAddress(address, port), backlog);
            return s;
        }
    }

    private static final class TrackingServerSocket extends ServerSocket {
        private final java.util.Set<Socket> open;

        TrackingServerSocket(java.util.Set<Socket> open) throws IOException {
            super();
            this.open = open;
        }

        @Override
        public Socket accept() throws IOException {
            if (isClosed()) {
                throw new SocketException("Socket is closed");
            }
            Socket s = new TrackingSocket(open);
            implAccept(s);
            open.add(s);
            // MockWebServer writes a response's headers and body separately: with Nagle's algorithm
            // the body waits for the client's delayed ACK of the headers, ~40 ms per request.
            s.setTcpNoDelay(true);
            return s;
        }
    }

    private static final class TrackingSocket extends Socket {
        private final java.util.Set<Socket> open;
        private InputStream in;

        TrackingSocket(java.util.Set<Socket> open) {
            this.open = open;
        }

        @Override
        public synchronized void close() throws IOException {
            open.remove(this);
            super.close();
        }

        @Override
        public synchronized InputStream getInputStream() throws IOException {
            if (in == null) {
                InputStream raw = super.getInputStream();
                in = new FilterInputStream(raw) {
                    @Override
                    public int read() throws IOException {
                        CURRENT.set(TrackingSocket.this);
                        return super.read();
                    }

                    @Override
                    public int read(byte[] b, int off, int len) throws IOException {
                        CURRENT.set(TrackingSocket.this);
                        return super.read(b, off, len);
                    }
                };
            }
            CURRENT.set(this);
            return in;
        }
    }
}
