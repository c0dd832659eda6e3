package io.jenkins.plugins.functions.kubernetes;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A function's outputs from its container's termination message (at most 4 KiB, written to
 * {@code /dev/termination-log}). A JSON object gives its entries; any other JSON value, or text,
 * is kept under {@code result}; nothing gives no outputs.
 */
public final class Outputs {

    private static final ObjectMapper JSON = new ObjectMapper();

    private Outputs() {
    }

    public static Map<String, Object> parse(String terminationMessage) {
        if (terminationMessage == null || terminationMessage.isBlank()) {
            return Map.of();
        }
        String text = terminationMessage.strip();
        try {
            Object value = JSON.readValue(text, new TypeReference<Object>() { });
            if (value instanceof Map<?, ?> map) {
                Map<String, Object> outputs = new LinkedHashMap<>();
                map.forEach((k, v) -> outputs.put(String.valueOf(k), v));
                return outputs;
            }
            Map<String, Object> outputs = new LinkedHashMap<>();
            outputs.put("result", value);
            return outputs;
        } catch (JsonProcessingException e) {
            Map<String, Object> outputs = new LinkedHashMap<>();
            outputs.put("result", text);
            return outputs;
        }
    }
}
