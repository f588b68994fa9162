(function () {
  "use strict";
  var table = document.getElementById("accounts");
  var controls = document.getElementById("controls");
  if (!table || !controls) { return; }
  var tbody = table.tBodies[0];
  var rows = Array.prototype.slice.call(tbody.rows);
  var text = document.getElementById("filter-text");
  var status = document.getElementById("filter-status");
  var count = document.getElementById("shown-count");
  controls.hidden = false;
  function filter() {
    var q = text.value.trim().toLowerCase(), s = status.value, shown = 0;
    rows.forEach(function (r) {
      var ok = (!s || r.getAttribute("data-status") === s) &&
        (!q || r.textContent.toLowerCase().indexOf(q) >= 0);
      r.hidden = !ok;
      if (ok) { shown++; }
    });
    count.textContent = shown + " of " + rows.length + " accounts shown";
  }
  text.addEventListener("input", filter);
  status.addEventListener("change", filter);
  filter();
  function value(r, i, numeric) {
    var c = r.cells[i], v = c.getAttribute("data-value");
    if (v === null) { v = c.textContent.trim().toLowerCase(); }
    return numeric ? parseFloat(v) : v;
  }
  var heads = table.tHead.rows[0].cells;
  Array.prototype.forEach.call(heads, function (th, i) {
    var kind = th.getAttribute("data-sort");
    if (!kind) { return; }
    var b = document.createElement("button");
    b.type = "button";
    b.className = "sort";
    while (th.firstChild) { b.appendChild(th.firstChild); }
    th.appendChild(b);
    b.addEventListener("click", function () {
      var dir = th.getAttribute("aria-sort") === "ascending" ? "descending" : "ascending";
      Array.prototype.forEach.call(heads, function (h) { h.removeAttribute("aria-sort"); });
      th.setAttribute("aria-sort", dir);
      var sign = dir === "ascending" ? 1 : -1, numeric = kind === "num";
      rows.sort(function (a, b) {
        var x = value(a, i, numeric), y = value(b, i, numeric);
        return (x < y ? -1 : x > y ? 1 : 0) * sign ||
          (+a.getAttribute("data-order") - +b.getAttribute("data-order"));
      });
      rows.forEach(function (r) { tbody.appendChild(r); });
    });
  });
}());
