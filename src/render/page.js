"use strict";
(function () {
  // The index is written last (it sums the whole stream); move it under the header.
  var top = document.getElementById("top"), index = document.getElementById("index");
  if (top && index) top.after(index);
  // Pagination: show one page of records at a time.
  var recs = Array.prototype.slice.call(document.querySelectorAll("#records > article.rec"));
  var size = parseInt(document.body.dataset.pageSize, 10) || 20;
  var pages = Math.max(1, Math.ceil(recs.length / size)), page = 0;
  var pager = document.getElementById("pager");
  function show(p) {
    page = Math.min(Math.max(p, 0), pages - 1);
    recs.forEach(function (r, i) { r.hidden = Math.floor(i / size) !== page; });
    if (pager) pager.querySelector("output").textContent = "page " + (page + 1) + " of " + pages;
  }
  if (pager && pages > 1) {
    pager.hidden = false;
    pager.querySelector(".prev").onclick = function () { show(page - 1); };
    pager.querySelector(".next").onclick = function () { show(page + 1); };
    show(0);
  }
  // A link to a record on another page turns to that page first.
  function follow() {
    var target = location.hash && document.getElementById(location.hash.slice(1));
    var at = target ? recs.indexOf(target.closest("article.rec")) : -1;
    if (at >= 0 && pages > 1) { show(Math.floor(at / size)); target.scrollIntoView(); }
  }
  window.addEventListener("hashchange", follow);
  follow();
  // Self-check (URL ending in #lede-check): every drawn span holds the text the record claims.
  if (location.hash === "#lede-check") {
    var ok = 0, bad = [];
    recs.forEach(function (rec) {
      var groups = {};
      rec.querySelectorAll(".body [data-s]").forEach(function (el) {
        var copy = el.cloneNode(true);
        copy.querySelectorAll(".lbl, .spk").forEach(function (l) { l.remove(); });
        var s = el.dataset.s;
        if (!groups[s]) groups[s] = { text: "", expect: null };
        groups[s].text += copy.textContent;
        if (el.dataset.x !== undefined) groups[s].expect = el.dataset.x;
      });
      Object.keys(groups).forEach(function (s) {
        var g = groups[s];
        if (g.expect === g.text) ok++; else bad.push(rec.id + "/" + s + ": " + JSON.stringify(g.text) + " != " + JSON.stringify(g.expect));
      });
    });
    var out = document.createElement("output");
    out.id = "lede-check";
    out.dataset.ok = ok;
    out.dataset.bad = bad.length;
    out.textContent = "check: " + ok + " spans ok, " + bad.length + " wrong" + (bad.length ? ": " + bad.slice(0, 20).join("; ") : "");
    document.body.prepend(out);
  }
  // Time from navigation to the page being ready, for measuring large reports.
  document.body.dataset.readyMs = Math.round(performance.now());
})();
