// Lint: eslint-plugin-obsidianmd's recommended config (which carries ESLint's and
// typescript-eslint's type-checked recommended rules) over everything that ships in main.js,
// plus a layering rule: the core (src/core) imports nothing from `obsidian` at run time and
// no Node built-in.
import { defineConfig } from "eslint/config";
import obsidianmd from "eslint-plugin-obsidianmd";
import { builtinModules } from "node:module";
import globals from "globals";

const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];

export default defineConfig([
  {
    ignores: ["node_modules/", "dist/", "main.js", "coverage/", ".demo/", "test/fixtures/"],
  },
  ...obsidianmd.configs.recommended,
  {
    languageOptions: {
      parserOptions: {
        projectService: {
          allowDefaultProject: ["eslint.config.mjs", "esbuild.config.mjs", "scripts/*.mjs", "build/*.mjs", "build/*.js"],
          // The config and script files above are few and small; the default cap is 8.
          maximumDefaultProjectFileMatchCount_THIS_WILL_SLOW_DOWN_LINTING: 20,
        },
      },
    },
  },
  {
    files: ["**/*.ts"],
    rules: {
      // TypeScript checks names itself (and knows the NodeJS namespace).
      "no-undef": "off",
      // ATT&CK, MITRE and STIX are names and keep their capitals in UI text.
      "obsidianmd/ui/sentence-case": ["warn", { ignoreRegex: ["ATT&CK", "MITRE", "STIX", "GitHub", "Sigma"] }],
      // The declarative settings API needs Obsidian 1.13; minAppVersion is older, so display() it is.
      "obsidianmd/settings-tab/prefer-setting-definitions": "off",
    },
  },
  {
    files: ["build/**/*.js"],
    rules: {
      // CommonJS stand-ins that esbuild swaps into gray-matter; js-yaml is gray-matter's own.
      "@typescript-eslint/no-require-imports": "off",
      "import/no-extraneous-dependencies": "off",
    },
  },
  {
    // The browser tests' stand-in of Obsidian's API: it is what implements these helpers.
    files: ["test/browser/obsidian-dom.ts"],
    rules: {
      "obsidianmd/prefer-create-el": "off",
      "obsidianmd/no-static-styles-assignment": "off",
      "obsidianmd/prefer-file-manager-trash-file": "off",
    },
  },
  {
    files: ["src/core/**/*.ts"],
    rules: {
      "@typescript-eslint/no-restricted-imports": [
        "error",
        {
          paths: [{ name: "obsidian", message: "The core talks to the vault interface; only src/obsidian imports obsidian.", allowTypeImports: true }],
          patterns: [{ group: nodeBuiltins, message: "The core runs on Obsidian mobile: no Node built-ins." }],
        },
      ],
    },
  },
  {
    // Node-only code: the CLI, tests, build and benchmark scripts. They never ship in main.js.
    files: ["src/cli/**/*.ts", "test/**/*.ts", "scripts/**/*.mjs", "build/**", "esbuild.config.mjs", "eslint.config.mjs", "vitest.config.ts"],
    languageOptions: { globals: { ...globals.node } },
    rules: {
      "obsidianmd/no-nodejs-modules": "off",
      "import/no-nodejs-modules": "off",
      "no-restricted-globals": "off",
      "obsidianmd/prefer-window-timers": "off",
      "obsidianmd/no-global-this": "off",
      "no-console": "off",
      "obsidianmd/rule-custom-message": "off",
      // On disk there is no Vault#configDir to ask; the CLI takes --config-dir.
      "obsidianmd/hardcoded-config-path": "off",
    },
  },
]);
