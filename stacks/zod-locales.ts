/**
 * Imported before zod by each module that builds a schema, for start-up speed alone. zod's
 * CommonJS build loads the error messages of every language it knows (64 files, almost half of
 * zod's load time) to offer them as `z.locales`; the kit's messages are its own and English, so
 * that module is stood in for by one that loads the real locales on first use. Only zod's
 * CommonJS build is concerned (the compiled kit, tsx, Pulumi's TypeScript loader); where zod was
 * loaded already, or is loaded as ES modules (vitest), this does nothing.
 */
import Module from "node:module";

const LOCALES = require.resolve("zod/v4/locales");

if (!require.cache[LOCALES]) {
  let real: object | undefined;
  const load = (): object => {
    if (!real) {
      delete require.cache[LOCALES];
      real = require(LOCALES) as object;
    }
    return real;
  };
  const standIn = new Module(LOCALES, module);
  standIn.filename = LOCALES;
  standIn.loaded = true;
  // `__esModule` is what zod asks while it loads (its `import * as` helper); anything else is a
  // use of the locales, answered by the real module.
  standIn.exports = new Proxy(
    {},
    {
      get: (_, key) => (key === "__esModule" ? true : Reflect.get(load(), key)),
      has: (_, key) => Reflect.has(load(), key),
      ownKeys: () => Reflect.ownKeys(load()),
      getOwnPropertyDescriptor: (_, key) => {
        const descriptor = Reflect.getOwnPropertyDescriptor(load(), key);
        // A proxy may not report a property its (empty) target lacks as non-configurable.
        return descriptor && { ...descriptor, configurable: true };
      },
    },
  );
  require.cache[LOCALES] = standIn;
}
