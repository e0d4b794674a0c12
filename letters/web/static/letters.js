/* Progressive enhancements for the `letters serve` page: everything works without this file
   except drawing a signature. Served as a file (the Content-Security-Policy allows no inline script). */
"use strict";

document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll(".js-only").forEach(function (element) { element.hidden = false; });
  document.querySelectorAll(".no-js-update").forEach(function (element) { element.hidden = true; });
  keepTyped();
  noteCounter();
  signatureModes();
  signaturePad();
  errorLinks();
  liveLetter();
  var target = document.getElementById("error-summary") || document.getElementById("answer");
  if (target) { target.focus(); }
});

/* What was typed survives the back button, a reload and the steps of the page, in this tab only
   (sessionStorage, never the server). Each page stores the form as it would be posted. A page
   that came from a post takes the plain address back (history.replaceState), so Back and
   Reload ask for the page again instead of an expired post; that fresh page then posts the
   stored form again, and the constituent is where they were, drawing included. */
var KEPT = "letters-form";
var CARRIED = ["name", "street1", "street2", "city", "province", "email", "note",
  "signature_typed", "signature_drawn"];
function keepTyped() {
  var form = document.getElementById("letter-form");
  if (!form || !window.sessionStorage) { return; }
  var stored = null;
  try { stored = JSON.parse(sessionStorage.getItem(KEPT) || "null"); } catch (error) { stored = null; }
  if (form.getAttribute("data-fresh") === "1" && stored && stored.searched) {
    Object.keys(stored).forEach(function (name) {
      if (name === "csrf_token" || name === "action") { return; }
      var shown = form.elements.namedItem(name);
      if (shown && shown.tagName && typeof stored[name] === "string") {  // the postal code
        shown.value = stored[name];
        return;
      }
      [].concat(stored[name]).forEach(function (value) {
        var input = document.createElement("input");
        input.type = "hidden";
        input.name = name;
        input.value = value;
        form.appendChild(input);
      });
    });
    sessionStorage.removeItem(KEPT);  // once: a failing post must not loop
    var action = document.createElement("input");
    action.type = "hidden";
    action.name = "action";
    action.value = "preview";
    form.appendChild(action);
    form.submit();
    return;
  }
  if (form.getAttribute("data-fresh") !== "1" && window.history.replaceState) {
    window.history.replaceState(null, "", form.getAttribute("action"));
  }
  var restored = false;
  if (stored) {  // fields a step did not carry (the first screen has only the postal code)
    CARRIED.forEach(function (name) {
      var field = form.elements.namedItem(name);
      if (field && field.value === "" && typeof stored[name] === "string" && stored[name]) {
        field.value = stored[name];
        restored = true;
        var draw = document.getElementById("mode-draw");
        if (name === "signature_drawn" && draw) { draw.checked = true; }
      }
    });
  }
  function save() {
    var kept = {};
    new FormData(form).forEach(function (value, name) {
      if (typeof value !== "string" || name === "csrf_token") { return; }
      kept[name] = name in kept ? [].concat(kept[name], value) : value;
    });
    CARRIED.forEach(function (name) {  // keep what this page does not show
      if (!form.elements.namedItem(name) && stored && stored[name]) { kept[name] = stored[name]; }
    });
    try { sessionStorage.setItem(KEPT, JSON.stringify(kept)); } catch (error) { /* full: keep nothing */ }
  }
  save();
  form.addEventListener("input", save);
  form.addEventListener("change", save);
  form.addEventListener("letters:signed", save);
  if (restored) { setTimeout(function () { form.dispatchEvent(new Event("letters:signed")); }, 0); }
}

/* The letter follows what is changed beside it: the page's own preview, fetched from the server
   (which decides everything), replaces the shown one; the send bar follows too. */
function liveLetter() {
  var form = document.getElementById("letter-form");
  if (!form || !document.getElementById("preview") || !window.fetch) { return; }
  var timer = null;
  var asked = 0;
  function refresh() {
    var data = new FormData(form);
    data.delete("signature_file");
    data.set("action", "preview");
    var mine = ++asked;
    fetch(form.getAttribute("action"), {method: "POST", body: data, credentials: "same-origin"})
      .then(function (response) { return response.text(); })
      .then(function (html) {
        if (mine !== asked) { return; }
        var page = new DOMParser().parseFromString(html, "text/html");
        ["preview", "send"].forEach(function (id) {
          var fresh = page.getElementById(id);
          var shown = document.getElementById(id);
          if (fresh && shown) { shown.replaceWith(document.importNode(fresh, true)); }
        });
      })
      .catch(function () { /* the buttons still post the form */ });
  }
  function later() { clearTimeout(timer); timer = setTimeout(refresh, 400); }
  form.addEventListener("change", function (event) {
    if (event.target.name === "postal_code" || event.target.type === "file") { return; }
    later();
  });
  form.addEventListener("letters:signed", later);
}

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
    var other = document.querySelector(".other-ways");
    if (other && mode === "upload") { other.open = true; }
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
    field.form.dispatchEvent(new Event("letters:signed"));
  }
  canvas.addEventListener("pointerup", finish);
  canvas.addEventListener("pointercancel", finish);
  if (clear) {
    clear.addEventListener("click", function () {
      context.clearRect(0, 0, canvas.width, canvas.height);
      field.value = "";
      inked = false;
      var typed = document.getElementById("mode-typed");
      if (typed) { typed.checked = true; typed.dispatchEvent(new Event("change", {bubbles: true})); }
      field.form.dispatchEvent(new Event("letters:signed"));
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
