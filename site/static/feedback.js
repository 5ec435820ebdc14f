/* Lupus Guide: "Was this page helpful?" answered in place.

   Without this file the two small forms at the end of a page post as usual and the server
   answers with a page of its own. With it, the answers are sent in the background and the
   next step (the reasons after a No, then thanks) appears where the question was. */
"use strict";

(() => {
  const box = document.querySelector("[data-feedback]");
  if (!box) return;
  const vote = box.querySelector("form.feedback-vote");
  const reasons = box.querySelector("form.feedback-reasons");
  const thanks = box.querySelector(".feedback-thanks");

  /** Posts the form's fields (and the button used) as URL-encoded data; resolves to the
      server's next step, "reasons" or "thanks". */
  async function send(form, submitter) {
    const body = new URLSearchParams(new FormData(form));
    if (submitter && submitter.name) body.set(submitter.name, submitter.value);
    const response = await fetch(form.action, {
      method: "POST", body, credentials: "same-origin", headers: { Accept: "application/json" },
    });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    return (await response.json()).next;
  }

  function say(message) {
    thanks.textContent = message;
    thanks.focus();
  }

  function enhance(form) {
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const buttons = form.querySelectorAll("button");
      buttons.forEach((b) => { b.disabled = true; });
      try {
        const next = await send(form, event.submitter);
        form.hidden = true;
        if (next === "reasons") {
          reasons.hidden = false;
          reasons.querySelector("input[type=radio]").focus();
        } else {
          say("Thank you for your feedback.");
        }
      } catch {
        buttons.forEach((b) => { b.disabled = false; });
        say("Sorry, your answer could not be sent. Please try again later.");
      }
    });
  }

  enhance(vote);
  enhance(reasons);
})();
