/* Every page: a form marked data-confirm (an irreversible step of a workflow — 立案, 签收, 签发, 提交, 办结 …) asks
   its question before it is sent, and is not sent if the person says no. Loaded as a file because the
   Content-Security-Policy allows scripts from 'self' only. */
(function () {
  "use strict";
  document.addEventListener(
    "submit",
    function (event) {
      var form = event.target;
      if (form.dataset && form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
        event.preventDefault();
        event.stopImmediatePropagation();
      }
    },
    true
  );
})();
