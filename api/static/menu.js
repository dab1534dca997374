// The main menu collapses behind a "Menu" button on narrow screens (without JS it stays open).
(function () {
  var button = document.querySelector(".menu-toggle");
  var menu = document.getElementById("main-menu");
  if (!button || !menu) return;
  button.addEventListener("click", function () {
    var open = button.getAttribute("aria-expanded") === "true";
    button.setAttribute("aria-expanded", open ? "false" : "true");
    menu.classList.toggle("open", !open);
  });
})();
