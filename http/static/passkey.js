// Passkeys: sign in, enrol a passkey when accepting an invitation, add
// one to an account. Each ceremony asks the server for options, lets the
// browser's authenticator answer, and posts the answer back.
(function () {
  "use strict";
  if (!window.PublicKeyCredential) return;

  // The page gives the texts, in its language, as data attributes of the
  // status line; {error} and the like are filled in here.
  function status(el, key, vals) {
    if (!el) return;
    el.textContent = (el.dataset[key] || key).replace(/\{(\w+)\}/g, function (m, k) {
      return vals && k in vals ? vals[k] : m;
    });
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
        status(out, "waiting");
        const options = await post("/api/v1/passkeys/login/options");
        await post("/api/v1/passkeys/login", { credential: await get(options) });
        const next = login.dataset.next;
        window.location.assign(next && next.indexOf("/talks") === 0 ? next : "/talks");
      } catch (e) {
        status(out, "loginFailed", { error: e.message });
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
      status(about, "template", { talks: v.talks_title, role: v.title ? v.role + " (" + v.title + ")" : v.role, delegation: v.delegation });
      invite.hidden = false;
    }, function (e) {
      if (out) out.textContent = e.message;
    });
    invite.addEventListener("submit", async function (ev) {
      ev.preventDefault();
      const f = new FormData(invite);
      try {
        status(out, "waiting");
        const options = await post("/api/v1/invitations/options",
          { token: token, name: f.get("name"), display_name: f.get("display_name") });
        await post("/api/v1/invitations/accept",
          { token: token, passkey_name: f.get("passkey_name"), credential: await create(options) });
        history.replaceState(null, "", "/invite");
        window.location.assign("/talks");
      } catch (e) {
        status(out, "acceptFailed", { error: e.message });
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
        status(out, "waiting");
        const options = await post("/api/v1/me/passkeys/options");
        await post("/api/v1/me/passkeys", { name: new FormData(add).get("name"), credential: await create(options) });
        window.location.reload();
      } catch (e) {
        status(out, "addFailed", { error: e.message });
      }
    });
  }
})();
