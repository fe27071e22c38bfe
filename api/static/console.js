// The staff console's own behaviour (no inline handlers: the CSP allows none).
// A form with data-confirm asks before it is sent.
document.addEventListener("submit", function (event) {
  var question = event.target.getAttribute && event.target.getAttribute("data-confirm");
  if (question && !window.confirm(question)) event.preventDefault();
});
