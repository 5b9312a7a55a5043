// HTTP calls of the protocol (entry, leaving, postal code look-up, age assurance);
// images have their own module (media.js).

export class ApiError extends Error {
  constructor(code, message, status, help = null, challengeUrl = null) {
    super(message || code);
    this.code = code;
    this.status = status;
    this.help = Array.isArray(help) ? help : null; // where to find help (age gate)
    // where to fetch the entry challenge (challenge_required): a path of this site only
    this.challengeUrl = typeof challengeUrl === "string" && /^\/api\/v1\/[a-z/]+$/.test(challengeUrl) ? challengeUrl : null;
  }
}

async function call(method, path, { body, token, signal } = {}) {
  const headers = { Accept: "application/json" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (token) headers.Authorization = `Bearer ${token}`;
  let response;
  try {
    response = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal,
      credentials: "same-origin",
      cache: "no-store",
    });
  } catch (err) {
    if (err.name === "AbortError") throw err;
    throw new ApiError("network", "", 0);
  }
  if (response.status === 204) return null;
  let data = null;
  try {
    data = await response.json();
  } catch {
    data = null;
  }
  if (!response.ok) {
    const error = data && data.error ? data.error : {};
    throw new ApiError(error.code || "http_" + response.status, error.message || "", response.status, error.help, error.challenge_url);
  }
  return data;
}

export function createSession(fields) {
  return call("POST", "/api/v1/session", { body: fields });
}

/** A single-use nonce for an over-18 attestation: bound to the session (token) or,
 * without a token, to this browser by a short-lived cookie set by the server. */
export function ageNonce(token = null) {
  return call("POST", "/api/v1/age/nonce", { token: token || undefined });
}

/** Submit the provider's attestation for the session: {verified_adult, user}. */
export function verifyAge(token, attestation, nonce) {
  return call("POST", "/api/v1/age/verify", { token, body: { attestation, nonce } });
}

export function endSession(token) {
  return call("DELETE", "/api/v1/session", { token });
}

export function lookupPostal(code, signal) {
  return call("GET", `/api/v1/postal/${encodeURIComponent(code)}`, { signal });
}
