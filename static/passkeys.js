// Passkeys (WebAuthn) on forms marked data-passkey="create" (add one) or "get" (sign in with
// one). The form stays an ordinary form: this script fetches the ceremony's options from
// data-options (a POST carrying the form's CSRF token), asks the browser, puts its answer in
// the hidden "credential" field and submits. Without WebAuthn in the browser the forms stay
// hidden.
(() => {
  if (!window.PublicKeyCredential || !navigator.credentials) return;

  const b64url = {
    decode(s) {
      const t = s.replace(/-/g, "+").replace(/_/g, "/");
      const bin = atob(t + "===".slice((t.length + 3) % 4));
      return Uint8Array.from(bin, (c) => c.charCodeAt(0)).buffer;
    },
    encode(buf) {
      const bytes = new Uint8Array(buf);
      let bin = "";
      for (const b of bytes) bin += String.fromCharCode(b);
      return btoa(bin).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
    },
  };

  // The options as the server wrote them (binary fields in base64url) into what the browser
  // takes; the browser's own parser where it has one.
  function creationOptions(o) {
    if (PublicKeyCredential.parseCreationOptionsFromJSON) {
      return PublicKeyCredential.parseCreationOptionsFromJSON(o);
    }
    return {
      ...o,
      challenge: b64url.decode(o.challenge),
      user: { ...o.user, id: b64url.decode(o.user.id) },
      excludeCredentials: (o.excludeCredentials || []).map((c) => ({ ...c, id: b64url.decode(c.id) })),
    };
  }

  function requestOptions(o) {
    if (PublicKeyCredential.parseRequestOptionsFromJSON) {
      return PublicKeyCredential.parseRequestOptionsFromJSON(o);
    }
    return {
      ...o,
      challenge: b64url.decode(o.challenge),
      allowCredentials: (o.allowCredentials || []).map((c) => ({ ...c, id: b64url.decode(c.id) })),
    };
  }

  function answer(cred) {
    if (typeof cred.toJSON === "function") return cred.toJSON();
    const r = cred.response;
    const out = { id: cred.id, rawId: b64url.encode(cred.rawId), type: cred.type, clientExtensionResults: cred.getClientExtensionResults() };
    if (r.attestationObject) {
      out.response = { clientDataJSON: b64url.encode(r.clientDataJSON), attestationObject: b64url.encode(r.attestationObject), transports: r.getTransports ? r.getTransports() : [] };
    } else {
      out.response = {
        clientDataJSON: b64url.encode(r.clientDataJSON),
        authenticatorData: b64url.encode(r.authenticatorData),
        signature: b64url.encode(r.signature),
        userHandle: r.userHandle ? b64url.encode(r.userHandle) : null,
      };
    }
    return out;
  }

  for (const form of document.querySelectorAll("form[data-passkey]")) {
    form.hidden = false;
    const error = form.querySelector("[data-passkey-error]");
    const say = (text) => {
      if (!error) return;
      error.textContent = text;
      error.hidden = false;
    };
    form.addEventListener("submit", async (event) => {
      const field = form.querySelector("input[name=credential]");
      if (field.value) return;
      event.preventDefault();
      if (typeof form.reportValidity === "function" && !form.reportValidity()) return;
      const button = form.querySelector("button[type=submit]");
      button.disabled = true;
      try {
        const token = form.querySelector("input[name=csrf_token]").value;
        const res = await fetch(form.dataset.options, {
          method: "POST",
          headers: { "Content-Type": "application/x-www-form-urlencoded" },
          body: new URLSearchParams({ csrf_token: token }),
          credentials: "same-origin",
        });
        const body = await res.json();
        if (!res.ok) throw new Error(body.error || form.dataset.error);
        const cred = form.dataset.passkey === "create"
          ? await navigator.credentials.create({ publicKey: creationOptions(body.publicKey) })
          : await navigator.credentials.get({ publicKey: requestOptions(body.publicKey) });
        field.value = JSON.stringify(answer(cred));
        form.submit();
      } catch (e) {
        // A cancelled prompt is a DOMException (NotAllowedError); say it in the page's words.
        say(e instanceof DOMException ? form.dataset.error : (e.message || form.dataset.error));
        button.disabled = false;
      }
    });
  }
})();
