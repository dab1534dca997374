// Keyboard shortcuts for the review screen; each key submits one of the page's forms.
(function () {
  var forms = { a: "accept-form", r: "reject-form", s: "skip-form", u: "undo-form", n: "next-form" };
  var busy = false;

  function submit(id) {
    var form = document.getElementById(id);
    if (!form || busy) return false;
    busy = true; // one decision per key press, even if the key repeats
    form.requestSubmit();
    return true;
  }

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    var target = event.target;
    var typing = target && (target.tagName === "INPUT" || target.tagName === "TEXTAREA" ||
      target.tagName === "SELECT" || target.isContentEditable);
    if (typing) {
      if (event.key === "Escape") target.blur();
      return;
    }
    var key = event.key.toLowerCase();
    if (key === "/") {
      var search = document.getElementById("correct-code");
      if (search) { event.preventDefault(); search.focus(); }
      return;
    }
    if (forms[key]) {
      if (submit(forms[key])) event.preventDefault();
      return;
    }
    if (/^[1-5]$/.test(key) && submit("choose-" + key)) event.preventDefault();
  });
})();
