// The stop buttons of the Function services page: a POST with Jenkins' crumb, then a reload.
// An adjunct, not an inline script, so it works under a Content-Security-Policy.
(function () {
  function crumbHeaders() {
    var headers = {};
    var head = document.head.dataset; // Jenkins' layout puts the crumb on <head>
    if (head.crumbHeader && head.crumbValue) {
      headers[head.crumbHeader] = head.crumbValue;
    } else if (window.crumb && window.crumb.fieldName) {
      headers[window.crumb.fieldName] = window.crumb.value;
    }
    return headers;
  }

  function wire() {
    document.querySelectorAll("button[data-function-stop]").forEach(function (button) {
      button.addEventListener("click", function () {
        var name = button.dataset.functionName;
        var deleted = button.dataset.functionKind === "Model" ? "Its KubeAI Model is deleted."
            : "Its Deployment and Service are deleted.";
        if (!window.confirm("Stop " + name + "? " + deleted)) {
          return;
        }
        button.disabled = true;
        fetch(button.dataset.functionStop, { method: "POST", headers: crumbHeaders() }).then(function (response) {
          if (!response.ok) {
            window.alert("Could not stop " + name + ": HTTP " + response.status);
          }
          window.location.reload();
        });
      });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", wire);
  } else {
    wire();
  }
})();
