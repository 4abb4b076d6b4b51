// Click-to-load embeds (sitegen/render/embeds.py). Each placeholder is a plain link to the video or
// post: without this script, or until the reader clicks, the page asks nothing of the provider.
// A click swaps the placeholder for the provider's frame; the page's CSP allows frames from that
// provider only.
(function () {
  "use strict";

  function load(box) {
    var frame = document.createElement("iframe");
    frame.src = box.getAttribute("data-embed-src");
    frame.title = box.getAttribute("data-embed-title") || "";
    frame.setAttribute("allow", "autoplay; encrypted-media; picture-in-picture; fullscreen");
    frame.setAttribute("allowfullscreen", "");
    frame.setAttribute("referrerpolicy", "strict-origin-when-cross-origin");
    frame.className = "embed-frame";
    box.replaceChildren(frame);
    box.classList.add("embed-loaded");
    frame.focus();
  }

  document.addEventListener("click", function (event) {
    var link = event.target instanceof Element ? event.target.closest(".embed-link") : null;
    var box = link ? link.closest("[data-embed-src]") : null;
    if (!box || event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) {
      return; // not an embed, or the reader asked for a new tab: the plain link does it
    }
    event.preventDefault();
    load(box);
  });
})();
