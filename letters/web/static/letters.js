/* Progressive enhancements for the `letters serve` page: everything works without this file
   except drawing a signature. Served as a file (the Content-Security-Policy allows no inline script). */
"use strict";

document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll(".js-only").forEach(function (element) { element.hidden = false; });
  noteCounter();
  signatureModes();
  signaturePad();
  errorLinks();
  var target = document.getElementById("error-summary") || document.getElementById("preview");
  if (target) { target.focus(); }
});

function noteCounter() {
  var note = document.getElementById("note");
  var count = document.getElementById("note-count");
  if (!note || !count) { return; }
  var template = count.getAttribute("data-template");
  function update() {
    count.textContent = template.replace("{count}", Array.from(note.value).length.toLocaleString(document.documentElement.lang));
  }
  count.hidden = false;
  note.addEventListener("input", update);
  update();
}

function signatureModes() {
  var radios = document.querySelectorAll("input[name=signature_mode]");
  function show() {
    var checked = document.querySelector("input[name=signature_mode]:checked");
    var mode = checked ? checked.value : "typed";
    document.querySelectorAll(".signature .panel").forEach(function (panel) {
      panel.hidden = panel.getAttribute("data-mode") !== mode;
    });
  }
  radios.forEach(function (radio) { radio.addEventListener("change", show); });
  show();
}

function signaturePad() {
  var canvas = document.getElementById("signature-pad");
  var field = document.getElementById("signature_drawn");
  var clear = document.getElementById("signature-clear");
  if (!canvas || !field) { return; }
  var context = canvas.getContext("2d");
  var drawing = false;
  var inked = false;
  context.lineWidth = 3;
  context.lineCap = "round";
  context.lineJoin = "round";
  context.strokeStyle = "#14204f";

  if (field.value.indexOf("data:image/png;base64,") === 0) {
    var kept = new Image();
    kept.onload = function () {
      var scale = Math.min(canvas.width / kept.width, canvas.height / kept.height, 1);
      context.drawImage(kept, 0, 0, kept.width * scale, kept.height * scale);
    };
    kept.src = field.value;
  }

  function point(event) {
    var box = canvas.getBoundingClientRect();
    return {
      x: (event.clientX - box.left) * canvas.width / box.width,
      y: (event.clientY - box.top) * canvas.height / box.height
    };
  }
  canvas.addEventListener("pointerdown", function (event) {
    event.preventDefault();
    canvas.setPointerCapture(event.pointerId);
    drawing = true;
    var p = point(event);
    context.beginPath();
    context.moveTo(p.x, p.y);
    context.lineTo(p.x + 0.1, p.y + 0.1);
    context.stroke();
    var draw = document.getElementById("mode-draw");
    if (draw && !draw.checked) { draw.checked = true; draw.dispatchEvent(new Event("change")); }
  });
  canvas.addEventListener("pointermove", function (event) {
    if (!drawing) { return; }
    var events = event.getCoalescedEvents ? event.getCoalescedEvents() : [event];
    if (events.length === 0) { events = [event]; }
    events.forEach(function (each) {
      var p = point(each);
      context.lineTo(p.x, p.y);
    });
    context.stroke();
    inked = true;
  });
  function finish() {
    if (!drawing) { return; }
    drawing = false;
    inked = true;
    field.value = canvas.toDataURL("image/png");
  }
  canvas.addEventListener("pointerup", finish);
  canvas.addEventListener("pointercancel", finish);
  if (clear) {
    clear.addEventListener("click", function () {
      context.clearRect(0, 0, canvas.width, canvas.height);
      field.value = "";
      inked = false;
    });
  }
}

/* A link in the error summary moves the focus to its field, not only the scroll position. */
function errorLinks() {
  document.querySelectorAll(".error-summary a").forEach(function (link) {
    link.addEventListener("click", function (event) {
      var target = document.getElementById(link.getAttribute("href").slice(1));
      if (!target) { return; }
      event.preventDefault();
      target.focus();
      target.scrollIntoView({ block: "center" });
    });
  });
}
