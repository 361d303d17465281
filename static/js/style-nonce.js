/* The Redoc page's Content-Security-Policy allows <style> elements carrying this response's nonce only, never
   'unsafe-inline' (portal/urls.py). Redoc's bundle writes its styles into <style> elements from script, some
   while it loads, before its own `nonce` option is read: each such element gets the nonce as it is inserted.
   Markup injected into the page gets no nonce, which is what the policy is for. Loaded before the bundle. */
(function () {
  "use strict";
  var script = document.currentScript;
  var nonce = script && script.getAttribute("data-style-nonce");
  if (!nonce) {
    return;
  }
  function stamp(node) {
    if (node && node.nodeName === "STYLE" && !node.getAttribute("nonce")) {
      node.setAttribute("nonce", nonce);
    }
  }
  var append = Node.prototype.appendChild;
  var insertBefore = Node.prototype.insertBefore;
  Node.prototype.appendChild = function (node) {
    stamp(node);
    return append.call(this, node);
  };
  Node.prototype.insertBefore = function (node, reference) {
    stamp(node);
    return insertBefore.call(this, node, reference);
  };
}());
