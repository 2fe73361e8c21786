// Passkeys: sign in, enrol a passkey when accepting an invitation, add
// one to an account. Each ceremony asks the server for options, lets the
// browser's authenticator answer, and posts the answer back.
(function () {
  "use strict";
  if (!window.PublicKeyCredential) return;

  function status(el, text) {
    if (el) el.textContent = text;
  }

  async function post(path, body) {
    const r = await fetch(path, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body || {}),
    });
    const data = await r.json().catch(function () { return {}; });
    if (!r.ok) throw new Error(data.detail || r.statusText);
    return data;
  }

  async function create(options) {
    const pk = PublicKeyCredential.parseCreationOptionsFromJSON(options.publicKey);
    const cred = await navigator.credentials.create({ publicKey: pk });
    return cred.toJSON();
  }

  async function get(options) {
    const pk = PublicKeyCredential.parseRequestOptionsFromJSON(options.publicKey);
    const cred = await navigator.credentials.get({ publicKey: pk });
    return cred.toJSON();
  }

  // Sign in with a passkey.
  const login = document.getElementById("passkey-login");
  if (login) {
    login.addEventListener("click", async function () {
      const out = document.getElementById("passkey-status");
      try {
        status(out, "Waiting for your passkey…");
        const options = await post("/api/v1/passkeys/login/options");
        await post("/api/v1/passkeys/login", { credential: await get(options) });
        const next = login.dataset.next;
        window.location.assign(next && next.indexOf("/talks") === 0 ? next : "/talks");
      } catch (e) {
        status(out, "Passkey sign-in failed: " + e.message);
      }
    });
  }

  // Accept an invitation: the secret travels in the fragment, which the
  // browser never sends to any server.
  const invite = document.getElementById("invite-form");
  if (invite) {
    const token = window.location.hash.slice(1);
    const out = document.getElementById("passkey-status");
    const about = document.getElementById("invite-about");
    post("/api/v1/invitations/lookup", { token: token }).then(function (v) {
      about.textContent = "You are invited to " + v.talks_title + " as " + v.role +
        (v.title ? " (" + v.title + ")" : "") + " of " + v.delegation + ".";
      invite.hidden = false;
    }, function (e) {
      status(out, e.message);
    });
    invite.addEventListener("submit", async function (ev) {
      ev.preventDefault();
      const f = new FormData(invite);
      try {
        status(out, "Waiting for your passkey…");
        const options = await post("/api/v1/invitations/options",
          { token: token, name: f.get("name"), display_name: f.get("display_name") });
        await post("/api/v1/invitations/accept",
          { token: token, passkey_name: f.get("passkey_name"), credential: await create(options) });
        history.replaceState(null, "", "/invite");
        window.location.assign("/talks");
      } catch (e) {
        status(out, "Could not accept: " + e.message);
      }
    });
  }

  // Add a passkey to the signed-in account.
  const add = document.getElementById("passkey-add");
  if (add) {
    add.addEventListener("submit", async function (ev) {
      ev.preventDefault();
      const out = document.getElementById("passkey-status");
      try {
        status(out, "Waiting for your passkey…");
        const options = await post("/api/v1/me/passkeys/options");
        await post("/api/v1/me/passkeys", { name: new FormData(add).get("name"), credential: await create(options) });
        window.location.reload();
      } catch (e) {
        status(out, "Could not add the passkey: " + e.message);
      }
    });
  }
})();
