// The code box offers the codes of the chosen taxonomy: switch its type-ahead list with it.
(function () {
  var taxonomy = document.getElementById("taxonomy");
  var code = document.getElementById("code");
  if (!taxonomy || !code) return;
  taxonomy.addEventListener("change", function () {
    code.setAttribute("list", "codes-" + taxonomy.value);
    code.value = "";
    code.focus();
  });
})();
