/** Runs auth hooks (sign-in, refresh) and mail hooks for one request: the AuthHooks port and a Mailer wrapper. */
import type { AuthHookInput, AuthHooks } from "../auth/flows/auth-hooks";
import type { Mailer, MailMessage } from "../auth/mailer";
import { errorFields } from "../observability/logger";
import { refuse, runBeforeHook } from "./refuse";
import type { HookRegistry } from "./registry";
import type { HookScope, MailHookEvent } from "./types";

/** The request's AuthHooks, or undefined when no auth hook is registered. */
export function bindAuthHooks(registry: HookRegistry, scope: HookScope): AuthHooks | undefined {
  const names = ["auth.beforeSignIn", "auth.afterSignIn", "auth.beforeRefresh"] as const;
  if (names.every((name) => registry.matching(name).length === 0)) return undefined;
  const before = async (name: "auth.beforeSignIn" | "auth.beforeRefresh", input: AuthHookInput) => {
    for (const hook of registry.matching(name, input.collection)) {
      await runBeforeHook(() => hook.run({ ...scope, ...input, refuse }));
    }
  };
  return {
    beforeSignIn: (input) => before("auth.beforeSignIn", input),
    beforeRefresh: (input) => before("auth.beforeRefresh", input),
    async afterSignIn(input) {
      for (const hook of registry.matching("auth.afterSignIn", input.collection)) {
        try {
          await hook.run({ ...scope, ...input });
        } catch (error) {
          scope.log.error("after-hook failed", {
            hook: hook.on,
            collection: input.collection.name,
            ...errorFields(error),
          });
        }
      }
    },
  };
}

/**
 * Wraps a mailer so every message first goes through the mail hooks, in order: each may change the message,
 * replace it or skip it. The wrapped transport still checks what it is given (recipient, subject).
 */
export function hookedMailer(registry: HookRegistry, scope: HookScope, mailer: Mailer): Mailer {
  const hooks = registry.matching("mail.beforeSend");
  if (hooks.length === 0) return mailer;
  return {
    async send(original) {
      let skipped = false;
      const event: MailHookEvent = {
        ...scope,
        message: { ...original },
        skip() {
          skipped = true;
        },
      };
      for (const hook of hooks) await hook.run(event);
      if (skipped) return;
      const message: MailMessage = event.message;
      await mailer.send(message);
    },
  };
}
