// Embeddable launcher. On any page of the bureau's site:
//   <script src="https://<assistant host>/widget.js" data-title="智能助手"
//           data-color="#1f6fd1" data-position="right" async></script>
// adds a floating button that opens the assistant's /chat in a panel (an iframe). The site's
// origin must be in the assistant's WIDGET_HOSTS setting, or the browser refuses the frame.
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script) return;
  var origin = new URL(script.src).origin;
  var data = script.dataset || {};
  var title = (data.title || "智能助手").slice(0, 12);
  var color = /^#[0-9a-fA-F]{3,8}$/.test(data.color || "") ? data.color : "#1f6fd1";
  var side = data.position === "left" ? "left" : "right";

  var launcher = document.createElement("button");
  launcher.type = "button";
  launcher.textContent = title;
  launcher.setAttribute("aria-label", "打开吴兴综合执法智能助手");
  launcher.setAttribute("aria-expanded", "false");
  launcher.style.cssText = "position:fixed;" + side + ":16px;bottom:16px;z-index:2147483000;" +
    "background:" + color + ";color:#fff;border:0;border-radius:24px;padding:12px 18px;" +
    "font-size:15px;box-shadow:0 2px 8px rgba(0,0,0,.25);cursor:pointer";

  var panel = null;
  function toggle() {
    if (!panel) {
      panel = document.createElement("iframe");
      panel.src = origin + "/chat";
      panel.title = "吴兴综合执法智能助手";
      panel.style.cssText = "position:fixed;" + side + ":16px;bottom:72px;" +
        "width:min(400px,calc(100vw - 32px));height:min(640px,calc(100vh - 100px));border:0;" +
        "border-radius:10px;box-shadow:0 4px 16px rgba(0,0,0,.3);z-index:2147483000;background:#ededed";
      document.body.appendChild(panel);
    } else {
      panel.style.display = panel.style.display === "none" ? "block" : "none";
    }
    launcher.setAttribute("aria-expanded", panel.style.display === "none" ? "false" : "true");
  }
  launcher.addEventListener("click", toggle);
  document.addEventListener("keydown", function (e) {
    if (e.key === "Escape" && panel && panel.style.display !== "none") { toggle(); launcher.focus(); }
  });
  document.body.appendChild(launcher);
})();
