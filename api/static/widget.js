// Embeddable launcher: <script src="https://…/widget.js" async></script> adds a chat button
// that opens the assistant's /chat page in a panel.
(function () {
  "use strict";
  var script = document.currentScript;
  var origin = script ? new URL(script.src).origin : "";
  var button = document.createElement("button");
  button.type = "button";
  button.textContent = "智能助手";
  button.setAttribute("aria-label", "打开吴兴综合执法智能助手");
  button.style.cssText = "position:fixed;right:16px;bottom:16px;z-index:2147483000;background:#1f6fd1;color:#fff;border:0;border-radius:24px;padding:12px 18px;font-size:15px;box-shadow:0 2px 8px rgba(0,0,0,.25);cursor:pointer";
  var frame = null;
  button.addEventListener("click", function () {
    if (!frame) {
      frame = document.createElement("iframe");
      frame.src = origin + "/chat";
      frame.title = "吴兴综合执法智能助手";
      frame.style.cssText = "position:fixed;right:16px;bottom:72px;width:min(380px,calc(100vw - 32px));height:min(620px,calc(100vh - 100px));border:0;border-radius:10px;box-shadow:0 4px 16px rgba(0,0,0,.3);z-index:2147483000;background:#ededed";
      document.body.appendChild(frame);
    } else {
      frame.style.display = frame.style.display === "none" ? "block" : "none";
    }
  });
  document.body.appendChild(button);
})();
