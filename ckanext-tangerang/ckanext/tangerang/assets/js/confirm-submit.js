/* Submit buttons that ask before they act: <button data-tangerang-confirm="question">. Without JavaScript the
 * button works as before; with it, the form is sent only when the person confirms. */
(function () {
  'use strict';
  document.addEventListener('click', function (event) {
    var button = event.target.closest ? event.target.closest('[data-tangerang-confirm]') : null;
    if (button && !window.confirm(button.getAttribute('data-tangerang-confirm'))) {
      event.preventDefault();
    }
  });
})();
