// Progressive enhancement of the search form (it works without this):
// ticking a facet applies it at once, and the type-ahead box of a long facet narrows its list
// (values behind "Show all" included) to the ones containing the typed text.
document.querySelectorAll(".facets input[type=checkbox]").forEach(function (box) {
  box.addEventListener("change", function () {
    box.form.requestSubmit();
  });
});

function fold(text) {
  return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
}

document.querySelectorAll(".facet-find").forEach(function (input) {
  var facet = document.getElementById("facet-" + input.dataset.facet);
  var more = facet.querySelector("details.facet-more");
  input.addEventListener("input", function () {
    var wanted = fold(input.value.trim());
    if (more && wanted) more.open = true;
    facet.querySelectorAll(".facet-values li").forEach(function (item) {
      item.hidden = wanted !== "" && fold(item.textContent).indexOf(wanted) === -1;
    });
  });
  input.addEventListener("keydown", function (event) {
    if (event.key !== "Enter") return;
    event.preventDefault(); // Enter ticks the first visible value instead of submitting
    var first = Array.prototype.find.call(
      facet.querySelectorAll(".facet-values li"), function (item) { return !item.hidden; });
    var box = first && first.querySelector("input[type=checkbox]");
    if (box && !box.checked) { box.checked = true; box.dispatchEvent(new Event("change")); }
  });
});
