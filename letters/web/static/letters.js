/* Progressive enhancements for the `letters serve` page: everything works without this file
   except drawing a signature. Served as a file (the Content-Security-Policy allows no inline script). */
"use strict";

document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll(".js-only").forEach(function (element) { element.hidden = false; });
  document.querySelectorAll(".no-js-update").forEach(function (element) { element.hidden = true; });
  var restored = keepTyped();
  noteCounter();
  signatureModes();
  signaturePad();
  errorLinks();
  readAll();
  liveLetter(restored);
  var target = document.getElementById("error-summary") || document.getElementById("answer");
  if (target && !document.querySelector("[autofocus]")) { target.focus(); }
});

/* What was typed survives Back, a reload, the language switch and the steps of the page, in
   this tab only (sessionStorage, never the server). Every step is an address the server renders
   from its query (the postal code and the riding); the letter page fills in the rest from here
   and updates the letter. */
var KEPT = "letters-form";
var CARRIED = ["name", "street1", "street2", "city", "province", "email", "note",
  "signature_typed", "signature_drawn"];
var NOT_KEPT = ["csrf_token", "action", "parts_shown", "signature_shown", "postal_code", "riding",
  "searched", "checked", "to"];
function keepTyped() {
  var form = document.getElementById("letter-form");
  if (!form || !window.sessionStorage) { return false; }
  var stored = null;
  try { stored = JSON.parse(sessionStorage.getItem(KEPT) || "null"); } catch (error) { stored = null; }
  var restored = false;
  if (stored) {
    CARRIED.forEach(function (name) {
      var field = form.elements.namedItem(name);
      if (field && field.value === "" && typeof stored[name] === "string" && stored[name]) {
        field.value = stored[name];
        restored = true;
        var draw = document.getElementById("mode-draw");
        if (name === "signature_drawn" && draw) { draw.checked = true; }
      }
    });
    if (stored.demand !== undefined) {
      var wanted = [].concat(stored.demand);
      form.querySelectorAll("input[name=demand]").forEach(function (box) {
        var tick = wanted.indexOf(box.value) >= 0;
        if (box.checked !== tick) { box.checked = tick; restored = true; }
      });
    }
    var language = form.elements.namedItem("letter_lang");
    if (language && stored.letter_lang && language.value !== stored.letter_lang) {
      language.value = stored.letter_lang;
      restored = true;
    }
    var envelope = document.getElementById("envelope");
    if (envelope && envelope.checked !== (stored.envelope === "1")) {
      envelope.checked = stored.envelope === "1";
      restored = true;
    }
  }
  function save() {
    var kept = {};
    new FormData(form).forEach(function (value, name) {
      if (typeof value !== "string" || NOT_KEPT.indexOf(name) >= 0) { return; }
      kept[name] = name in kept ? [].concat(kept[name], value) : value;
    });
    if (!("demand" in kept)) { kept.demand = []; }
    try { sessionStorage.setItem(KEPT, JSON.stringify(kept)); } catch (error) { /* full: keep nothing */ }
  }
  save();
  document.addEventListener("input", function (event) { if (event.target.form === form) { save(); } });
  document.addEventListener("change", function (event) { if (event.target.form === form) { save(); } });
  form.addEventListener("letters:signed", save);
  form.addEventListener("letters:save", save);
  return restored;
}

/* The letter follows what is changed beside it. The server decides everything; an update asks it
   for the page's parts (error list, letter, send bar) and gets back only those that changed,
   with the errors by field and the title. Nothing that has the focus is replaced: the parts are
   patched node by node (morph), so a button or the letter region that has the focus keeps it.
   Enter in a field updates the letter (the step's main action); Download is checked first when
   the letter is not ready, and afterwards the next step gets the focus. */
function liveLetter(restored) {
  var form = document.getElementById("letter-form");
  if (!form || !window.fetch) { return; }
  var timer = null;
  var asked = 0;
  var nudged = false;
  function refresh() {
    clearTimeout(timer);
    var data = new FormData(form);
    var upload = document.getElementById("mode-upload");
    if (!upload || !upload.checked) { data.delete("signature_file"); }  // a picture goes up only when used
    data.set("action", "preview");
    data.set("parts_shown", form.getAttribute("data-digests") || "");
    var signature = document.querySelector("#preview img.signature[src]");
    data.set("signature_shown", signature ? signature.getAttribute("data-signature") : "");
    var mine = ++asked;
    return fetch(form.getAttribute("action"), {
      method: "POST", body: data, credentials: "same-origin", headers: {"X-Letters-Live": "1"}
    })
      .then(function (response) { return response.json(); })
      .then(function (answer) {
        if (mine !== asked) { return null; }
        apply(form, answer);
        nudge(answer);
        return answer;
      })
      .catch(function () { return null; /* the buttons still post the form */ });
  }
  function nudge(answer) {
    var line = document.getElementById("nudge");
    if (!line) { return; }
    var text = answer.nudge ? line.getAttribute("data-text") : "";
    if (line.textContent !== text) { line.textContent = text; }
    // The cursor goes to the paragraph once, when the person has just signed (nothing else
    // holds the focus): a field or button the person is on keeps it.
    var active = document.activeElement;
    var idle = !active || active === document.body || active.closest("#signature");
    if (answer.nudge && !nudged && idle) {
      nudged = true;
      var note = document.getElementById("note");
      note.focus({preventScroll: true});
      note.scrollIntoView({block: "nearest"});
    }
  }
  function later() { clearTimeout(timer); timer = setTimeout(refresh, 400); }
  document.addEventListener("change", function (event) {
    if (event.target.form !== form) { return; }
    later();
  });
  form.addEventListener("letters:signed", later);
  form.addEventListener("submit", function (event) {
    var by = event.submitter;
    var action = by ? by.value : "preview";
    if (action === "preview" || action === "upload") {  // Enter, "Update the letter", a picture
      event.preventDefault();
      refresh();
    } else if (action === "switch") {  // the other language's page, with this step's address
      event.preventDefault();
      form.dispatchEvent(new Event("letters:save"));
      var step = by.getAttribute("data-step");
      window.location.assign(by.getAttribute("formaction") + (step ? "?" + step : ""));
    } else if (action === "download" || action === "email") {
      if (form.getAttribute("data-ready") !== "1") {  // say what is missing, here
        event.preventDefault();
        document.getElementById("checked").value = "1";
        refresh().then(function (answer) {
          if (answer && answer.ready) { form.requestSubmit(by); return; }  // it was, just now
          var summary = document.getElementById("error-summary");
          if (summary) { summary.focus(); }
        });
        return;
      }
      setTimeout(nextStep, 0);  // the browser saves the file and stays on this page
    }
  });
  if (restored) { refresh(); }
}

function nextStep() {
  var status = document.getElementById("downloaded");
  if (status) { status.textContent = status.getAttribute("data-text"); }
  var next = document.getElementById("next-step");
  if (next) {
    next.focus({preventScroll: true});
    next.scrollIntoView({block: "start"});
  }
}

function apply(form, answer) {
  document.title = answer.title;
  var digests = {};
  (form.getAttribute("data-digests") || "").split(",").forEach(function (pair) {
    var at = pair.indexOf(":");
    if (at > 0) { digests[pair.slice(0, at)] = pair.slice(at + 1); }
  });
  Object.keys(answer.parts).forEach(function (name) {
    var shown = document.getElementById(name);
    if (!shown) { return; }
    morph(shown, answer.parts[name].html);
    digests[name] = answer.parts[name].digest;
  });
  form.setAttribute("data-digests", Object.keys(digests).map(function (name) {
    return name + ":" + digests[name];
  }).join(","));
  form.setAttribute("data-ready", answer.ready ? "1" : "0");
  fieldErrors(form, answer.errors);
}

/* Patch `shown`'s children into `html`, keeping every node that is still there (and so the
   focus): same tag and id means the same node, its attributes and text brought up to date. */
function morph(shown, html) {
  var fresh = document.createElement("template");
  fresh.innerHTML = html;
  patchChildren(shown, fresh.content);
}

function patchChildren(old, fresh) {
  var before = Array.prototype.slice.call(old.childNodes);
  var after = Array.prototype.slice.call(fresh.childNodes);
  after.forEach(function (node, index) {
    var current = before[index];
    if (!current) {
      old.appendChild(node);
    } else if (current.nodeType !== node.nodeType || current.nodeName !== node.nodeName ||
               (node.nodeType === 1 && current.id !== node.id)) {
      old.replaceChild(node, current);
    } else if (node.nodeType === 1) {
      patchAttributes(current, node);
      patchChildren(current, node);
    } else if (current.nodeValue !== node.nodeValue) {
      current.nodeValue = node.nodeValue;
    }
  });
  before.slice(after.length).forEach(function (node) { old.removeChild(node); });
}

function patchAttributes(current, node) {
  var keepPixels = current.tagName === "IMG" && !node.hasAttribute("src") &&
    current.getAttribute("data-signature") === node.getAttribute("data-signature");
  Array.prototype.slice.call(current.attributes).forEach(function (attribute) {
    if (!node.hasAttribute(attribute.name) && !(keepPixels && attribute.name === "src")) {
      current.removeAttribute(attribute.name);
    }
  });
  Array.prototype.slice.call(node.attributes).forEach(function (attribute) {
    if (current.getAttribute(attribute.name) !== attribute.value) {
      current.setAttribute(attribute.name, attribute.value);
    }
  });
}

/* The error beside each field, as the server renders it: added, reworded or taken away. */
function fieldErrors(form, errors) {
  var wanted = {};
  errors.forEach(function (error) { wanted[error[0]] = error; });
  document.querySelectorAll("p.error-message").forEach(function (message) {
    var id = message.id.replace(/-error$/, "");
    if (!wanted[id]) {
      var input = document.getElementById(id);
      var box = message.closest(".field");
      message.parentNode.removeChild(message);
      if (box) { box.classList.remove("has-error"); }
      if (input) {
        input.removeAttribute("aria-invalid");
        var ids = (input.getAttribute("aria-describedby") || "").split(" ").filter(function (each) {
          return each && each !== message.id;
        });
        if (ids.length) { input.setAttribute("aria-describedby", ids.join(" ")); }
        else { input.removeAttribute("aria-describedby"); }
      }
    }
  });
  errors.forEach(function (error) {
    var input = document.getElementById(error[0]);
    if (!input) { return; }
    var message = document.getElementById(error[0] + "-error");
    if (!message) {
      message = document.createElement("p");
      message.className = "error-message";
      message.id = error[0] + "-error";
      var place = input.closest(".choice") || input;
      place.parentNode.insertBefore(message, place);
    }
    var words = document.createElement("span");
    words.className = "visually-hidden";
    words.textContent = form.getAttribute("data-error");
    var parts = [words, document.createTextNode(" " + error[1])];
    if (error[2]) {
      var link = document.createElement("a");
      link.href = error[2];
      link.textContent = error[3];
      parts.push(document.createTextNode(" "), link);
    }
    if (message.textContent !== parts.map(function (part) { return part.textContent; }).join("")) {
      message.replaceChildren.apply(message, parts);
    }
    var box = input.closest(".field");
    if (box) { box.classList.add("has-error"); }
    input.setAttribute("aria-invalid", "true");
    var ids = (input.getAttribute("aria-describedby") || "").split(" ").filter(Boolean);
    if (ids.indexOf(message.id) < 0) { input.setAttribute("aria-describedby", ids.concat(message.id).join(" ")); }
  });
}

/* On a phone the letter shows its first paragraph; the button unfolds the rest. */
function readAll() {
  var button = document.getElementById("read-all");
  var preview = document.getElementById("preview");
  if (!button || !preview) { return; }
  function fold(folded) {
    preview.classList.toggle("folded", folded);
    button.setAttribute("aria-expanded", folded ? "false" : "true");
    button.textContent = button.getAttribute(folded ? "data-more" : "data-less");
  }
  button.addEventListener("click", function () { fold(!preview.classList.contains("folded")); });
  fold(true);
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
    canvas.focus({preventScroll: true});  // the field left updates the letter
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
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest(".error-summary a");
    if (!link) { return; }
    var target = document.getElementById(link.getAttribute("href").slice(1));
    if (!target) { return; }
    event.preventDefault();
    var folded = target.closest("details:not([open])");
    if (folded) { folded.open = true; }
    target.focus();
    target.scrollIntoView({ block: "center" });
  });
}
