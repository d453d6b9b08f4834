// Upload progress for a form marked `data-upload-progress` (the wizard's Students step).
// When a file is chosen, the form is sent with XMLHttpRequest so that upload.onprogress can fill
// the <progress> element; the server's answer then replaces the page's <main> (the form again,
// with its errors) or the browser goes where the server redirected. Without JavaScript, or
// without a file, the form posts as usual.
(function () {
  "use strict";

  function sameDocument(url) {
    var here = window.location.href.split("#")[0];
    return url.split("#")[0] === here;
  }

  function showProgress(form, loaded, total) {
    var box = form.querySelector("[data-upload-progress-box]");
    if (!box) {
      return;
    }
    var bar = box.querySelector("progress");
    var text = box.querySelector("[data-upload-progress-text]");
    box.hidden = false;
    if (total > 0) {
      var percent = Math.round((loaded / total) * 100);
      bar.value = percent;
      bar.setAttribute("aria-valuetext", percent + "% uploaded");
      // Announced through aria-live; whole tens only, so a screen reader is not flooded.
      var said = Math.floor(percent / 10) * 10;
      if (text.dataset.said !== String(said)) {
        text.dataset.said = String(said);
        text.textContent = said + "% uploaded";
      }
    } else {
      bar.removeAttribute("value"); // indeterminate
    }
  }

  function setBusy(form, busy) {
    var buttons = document.querySelectorAll("button[type=submit]");
    for (var i = 0; i < buttons.length; i++) {
      if (buttons[i].form === form) {
        buttons[i].disabled = busy;
      }
    }
  }

  function replaceMain(html) {
    var doc = new DOMParser().parseFromString(html, "text/html");
    var fresh = doc.querySelector("main");
    var current = document.querySelector("main");
    if (!fresh || !current) {
      return false;
    }
    document.title = doc.title;
    current.replaceWith(fresh);
    if (window.htmx) {
      window.htmx.process(fresh);
    }
    var focus = fresh.querySelector("[data-error-summary]") || fresh;
    focus.focus();
    return true;
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-upload-progress")) {
      return;
    }
    var input = form.querySelector("input[type=file]");
    if (!input || !input.files || !input.files.length || form.dataset.uploading === "plain") {
      return;
    }
    event.preventDefault();
    var submitter = event.submitter;
    var data = new FormData(form);
    if (submitter && submitter.name) {
      data.append(submitter.name, submitter.value);
    }
    var xhr = new XMLHttpRequest();
    xhr.open("POST", form.getAttribute("action") || window.location.href.split("#")[0]);
    xhr.upload.onprogress = function (progress) {
      showProgress(form, progress.loaded, progress.lengthComputable ? progress.total : 0);
    };
    xhr.onload = function () {
      var url = xhr.responseURL || "";
      if (url && !sameDocument(url)) {
        window.location.assign(url); // redirected: the next step, or the case page
      } else if (!replaceMain(xhr.responseText)) {
        window.location.reload();
      }
    };
    xhr.onerror = function () {
      // The network failed: try once more the ordinary way, which shows the browser's message.
      setBusy(form, false);
      form.dataset.uploading = "plain";
      if (form.requestSubmit) {
        form.requestSubmit(submitter || undefined);
      } else {
        form.submit();
      }
    };
    setBusy(form, true);
    showProgress(form, 0, input.files[0].size);
    xhr.send(data);
  });
})();
