// Progressive enhancement for the download page: a filter box over the language index.
// Without this script the box stays hidden and every language is still one link away.
(function () {
  "use strict";
  var input = document.getElementById("language-filter");
  if (!input || !String.prototype.normalize) return;
  var box = input.closest(".filter");
  var count = document.getElementById("filter-count");
  var entries = Array.prototype.slice.call(document.querySelectorAll("[data-names]"));

  // Same folding for names and query: case and Latin accents ignored ("espanol" finds
  // "Español"); other scripts' marks are kept, they are part of the letters.
  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLocaleLowerCase().trim();
  }
  entries.forEach(function (entry) { entry._names = fold(entry.getAttribute("data-names")); });

  function apply() {
    var words = fold(input.value).split(/\s+/).filter(Boolean);
    var shown = 0;
    entries.forEach(function (entry) {
      var match = words.every(function (word) { return entry._names.indexOf(word) !== -1; });
      entry.hidden = !match;
      var section = document.getElementById(entry.getAttribute("data-target"));
      if (section) section.hidden = !match;
      if (match) shown += 1;
    });
    if (!words.length) count.textContent = "";
    else if (shown) count.textContent = shown + " of " + entries.length + (entries.length === 1 ? " language" : " languages");
    else count.textContent = "No language matches \u201c" + input.value.trim() + "\u201d. Try its English name, or clear the box to see all.";
  }

  input.addEventListener("input", apply);
  input.addEventListener("keydown", function (event) {
    if (event.key === "Escape") { input.value = ""; apply(); }
  });
  box.hidden = false;
  if (input.value) apply();  // restored by the browser on back/forward
})();
