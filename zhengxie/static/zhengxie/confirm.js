/* Every page: a form marked data-confirm (an irreversible step of a workflow — 立案, 签收, 签发, 提交, 办结 …), or a
   submit button so marked (the editor's 保存并提交 beside 保存草稿), asks its question before the form is sent, and
   it is not sent if the person says no. A form that a script holds back and sends again later (the editor waits for
   its autosave) marks the button data-confirmed, so the question is not asked twice. Loaded as a file because the
   Content-Security-Policy allows scripts from 'self' only. */
(function () {
  "use strict";
  document.addEventListener(
    "submit",
    function (event) {
      var form = event.target;
      var button = event.submitter;
      var question = (button && button.dataset.confirm) || (form.dataset && form.dataset.confirm);
      if (!question) {
        return;
      }
      if (button && button.dataset.confirmed) {
        delete button.dataset.confirmed;
        return;
      }
      if (!window.confirm(question)) {
        event.preventDefault();
        event.stopImmediatePropagation();
      }
    },
    true
  );
})();
