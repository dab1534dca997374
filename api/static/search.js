// Progressive enhancement: ticking a facet applies it at once (the form works without this).
document.querySelectorAll(".facets input[type=checkbox]").forEach(function (box) {
  box.addEventListener("change", function () {
    box.form.requestSubmit();
  });
});
