// Ballot encryption in the voter's browser, with a cast-or-audit check
// (Benaloh 2006). Progressive enhancement: without JavaScript the form posts
// the choices and the server encrypts them.
//
// Markup this script expects (see README, "Rebuilding the browser crypto",
// and the test page tests/app/browser/wasm-check.html):
//
//   <form method="post" data-encrypt-ballot
//         data-election='{"fingerprint":…,"public_key":…,"questions":[…]}'
//         data-credential="PUBLIC CREDENTIAL (base64url)">
//     <fieldset data-question>            one per question, in order
//       <input type="checkbox|radio" name=… data-option>   one per option, in order
//     </fieldset>
//     <input type="hidden" name="encrypted_ballot">
//     <input type="hidden" name="tracking_code">
//     <button type="submit">…</button>
//   </form>
//
// The first submit encrypts (nothing is sent) and shows the tracking code
// with two buttons: cast (sends the encrypted ballot; the choice inputs are
// disabled so the choices in clear are not sent) or check the encryption
// (audit: the randomness is revealed and checked here, the checked ballot
// is thrown away and the choices are encrypted again with fresh randomness).
import init, { encrypt, audit } from "../wasm/votum_crypto_wasm.js";

const german = (document.documentElement.lang || "de").startsWith("de");
const t = (de, en) => (german ? de : en);

const ready = init();

// The marks per question, one per option. A question that may be left
// empty (min_marks 0) has a last option "none" in the election parameters
// (docs/election-record.md, E.4); where the form has no field for it, it is
// marked exactly when no other option is.
function choicesOf(form) {
  const shapes = JSON.parse(form.dataset.election).questions || [];
  return [...form.querySelectorAll("[data-question]")].map((q, i) => {
    const marks = [...q.querySelectorAll("[data-option]")].map((input) => input.checked);
    const shape = shapes[i];
    if (shape && shape.min_marks === 0 && marks.length === shape.options - 1) {
      marks.push(!marks.some(Boolean));
    }
    return marks;
  });
}

function element(tag, attrs, text) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
  if (text) e.textContent = text;
  return e;
}

function setup(form) {
  const ballotField = form.querySelector('input[name="encrypted_ballot"]');
  const trackingField = form.querySelector('input[name="tracking_code"]');
  if (!ballotField || !trackingField) return;
  const panel = element("div", { "data-encrypt-panel": "", "aria-live": "polite" });
  panel.hidden = true;
  form.appendChild(panel);
  // The current encryption: { choices, ballot_json, tracking_code, audit_json }.
  let current = null;

  const forget = () => {
    current = null;
    ballotField.value = "";
    trackingField.value = "";
    panel.hidden = true;
    panel.replaceChildren();
  };
  form.addEventListener("change", (event) => {
    if (event.target.matches("[data-option]")) forget();
  });

  const encryptNow = async () => {
    await ready;
    const choices = choicesOf(form);
    const out = JSON.parse(
      encrypt(form.dataset.election, form.dataset.credential, JSON.stringify(choices)),
    );
    current = { choices, ...out };
    ballotField.value = out.ballot_json;
    trackingField.value = out.tracking_code;
  };

  const show = (auditResult) => {
    panel.replaceChildren();
    if (auditResult) panel.appendChild(auditResult);
    panel.appendChild(
      element(
        "p",
        {},
        t(
          "Ihr Stimmzettel ist in diesem Browser verschlüsselt. Prüfcode (Tracking-Code):",
          "Your ballot is encrypted in this browser. Tracking code:",
        ),
      ),
    );
    panel.appendChild(element("p", { "data-tracking-code": "" }, current.tracking_code));
    const cast = element("button", { type: "button", "data-cast": "" }, t("Stimmzettel abgeben", "Cast the ballot"));
    const check = element(
      "button",
      { type: "button", "data-audit": "" },
      t("Verschlüsselung prüfen (Audit)", "Check the encryption (audit)"),
    );
    panel.append(cast, " ", check);
    panel.hidden = false;
    cast.addEventListener("click", () => {
      for (const input of form.querySelectorAll("[data-option]")) input.disabled = true;
      form.dataset.encrypted = "cast";
      form.submit();
    });
    check.addEventListener("click", async () => {
      const spent = current;
      const outcome = JSON.parse(
        audit(form.dataset.election, spent.ballot_json, spent.audit_json, JSON.stringify(spent.choices)),
      );
      if (!outcome.ok) {
        // This device cannot be trusted to encrypt: offer no ballot to cast.
        forget();
        panel.appendChild(auditReport(spent, outcome));
        panel.hidden = false;
        return;
      }
      await encryptNow();
      show(auditReport(spent, outcome));
    });
  };

  form.addEventListener("submit", async (event) => {
    if (form.dataset.encrypted === "cast") return;
    event.preventDefault();
    try {
      if (!current) await encryptNow();
      show(null);
      panel.querySelector("[data-cast]").focus();
    } catch (error) {
      forget();
      panel.replaceChildren(
        element("p", { role: "alert" }, t("Verschlüsselung nicht möglich: ", "Cannot encrypt: ") + error),
      );
      panel.hidden = false;
    }
  });
}

function auditReport(spent, outcome) {
  const box = element("div", { "data-audit-result": outcome.ok ? "ok" : "failed" });
  if (outcome.ok) {
    box.appendChild(
      element(
        "p",
        {},
        t(
          "Prüfung bestanden: Mit den offengelegten Zufallswerten wurde jede Verschlüsselung nachgerechnet. " +
            "Der geprüfte Stimmzettel enthielt genau Ihre Auswahl. Er ist damit offengelegt und wird nicht abgegeben; " +
            "Ihre Auswahl wurde mit neuen Zufallswerten neu verschlüsselt (neuer Prüfcode unten).",
          "Check passed: every encryption was recomputed with the revealed random values. " +
            "The checked ballot held exactly your choices. It is now revealed and will not be cast; " +
            "your choices were encrypted again with fresh random values (new tracking code below).",
        ),
      ),
    );
  } else {
    const where =
      outcome.question === null
        ? ""
        : outcome.option === null
          ? t(` (Frage ${outcome.question + 1})`, ` (question ${outcome.question + 1})`)
          : t(
              ` (Frage ${outcome.question + 1}, Option ${outcome.option + 1})`,
              ` (question ${outcome.question + 1}, option ${outcome.option + 1})`,
            );
    box.appendChild(
      element(
        "p",
        { role: "alert" },
        t(
          "Prüfung fehlgeschlagen" + where + ": Der verschlüsselte Stimmzettel enthielt nicht Ihre Auswahl. " +
            "Geben Sie auf diesem Gerät nicht ab und melden Sie dies der Wahlleitung.",
          "Check failed" + where + ": the encrypted ballot did not hold your choices. " +
            "Do not vote on this device and tell the returning officers.",
        ),
      ),
    );
  }
  const details = element("details");
  details.appendChild(element("summary", {}, t("Offengelegte Daten", "Revealed data")));
  details.appendChild(
    element("pre", { "data-audit-data": "" }, JSON.stringify({ ballot: JSON.parse(spent.ballot_json), randomness: JSON.parse(spent.audit_json), choices: spent.choices }, null, 1)),
  );
  box.appendChild(details);
  return box;
}

for (const form of document.querySelectorAll("form[data-encrypt-ballot]")) setup(form);
