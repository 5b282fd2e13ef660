// The live screen: the board is replaced by the server's newest version
// each time the event stream sends one. Served from the app's own origin,
// so that the page's Content-Security-Policy allows no other script.
(function () {
  "use strict";
  var board = document.getElementById("board");
  var offline = document.getElementById("offline");
  if (!board || !window.EventSource) {
    return;
  }
  var source = new EventSource(board.getAttribute("data-stream"));
  source.onmessage = function (event) {
    board.innerHTML = JSON.parse(event.data).html;
    offline.hidden = true;
  };
  source.onopen = function () {
    offline.hidden = true;
  };
  source.onerror = function () {
    offline.hidden = false;
  };
}());
