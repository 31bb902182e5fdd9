/* Accessible names for Select2 fields.
 *
 * CKAN's autocomplete module turns inputs and selects into Select2 4.1 widgets; a multiple-choice widget gets a
 * role="combobox" element and a search box with no accessible name (axe: aria-input-field-name), so a screen
 * reader announces an unnamed field. The field's own <label for="..."> still names the hidden original element:
 * point the widget's combobox and search box at that label. Widgets appear after CKAN loads its modules
 * (asynchronously) and again when Select2 redraws its search box, so a MutationObserver watches the page.
 */
(function () {
  'use strict';

  function labelOf(container) {
    var original = container.previousElementSibling;
    if (!original || !original.id) return null;
    var label = document.querySelector('label[for="' + original.id + '"]');
    if (label && !label.id) label.id = original.id + '-label';
    return label;
  }

  function name(container) {
    var label = labelOf(container);
    if (!label) return;
    var targets = container.querySelectorAll('.select2-selection--multiple, .select2-search__field');
    for (var i = 0; i < targets.length; i++) {
      if (!targets[i].getAttribute('aria-labelledby') && !targets[i].getAttribute('aria-label')) {
        targets[i].setAttribute('aria-labelledby', label.id);
      }
    }
  }

  function nameAll() {
    var containers = document.querySelectorAll('.select2-container');
    for (var i = 0; i < containers.length; i++) name(containers[i]);
  }

  function start() {
    nameAll();
    new MutationObserver(nameAll).observe(document.body, { childList: true, subtree: true });
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
