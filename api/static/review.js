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

  // The code set: a cursor on one member; y keeps it and x rejects it (then the cursor moves
  // on), j/k move, "+" goes to the add box, Enter saves the verdicts, 0 says none fits.
  var members = Array.prototype.slice.call(document.querySelectorAll("#set-form .member"));
  var cursor = 0;

  function move(to) {
    if (!members.length) return;
    members[cursor].classList.remove("current");
    cursor = Math.max(0, Math.min(members.length - 1, to));
    members[cursor].classList.add("current");
  }

  function judge(verdict) {
    if (!members.length) return false;
    var select = members[cursor].querySelector("select.verdict");
    select.value = members[cursor].getAttribute("data-code") + "=" + verdict;
    move(cursor + 1);
    return true;
  }

  function setKey(key, event) {
    var handled = false;
    if (key === "y") handled = judge("accept");
    else if (key === "x") handled = judge("reject");
    else if (key === "j") { move(cursor + 1); handled = members.length > 0; }
    else if (key === "k") { move(cursor - 1); handled = members.length > 0; }
    else if (key === "+" && document.getElementById("add-codes")) {
      document.getElementById("add-codes").focus();
      handled = true;
    }
    else if (key === "enter") handled = submit("set-form");
    else if (key === "0") handled = submit("none-fits-form");
    if (handled) event.preventDefault();
    return handled;
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
    var onControl = target && (target.tagName === "BUTTON" || target.tagName === "A");
    if (!(onControl && key === "enter") && setKey(key, event)) return;
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
