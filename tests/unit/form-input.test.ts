import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { AppError } from "../../src/http/errors.ts";
import { FormError, readUpload, submitForm, uuidParam, uuidQuery } from "../../src/http/forms.ts";
import type { AppEnv } from "../../src/http/types.ts";
import { checkbox, euros, isoDate, many, month, uuid } from "../../src/lib/form-fields.ts";

const ID = "0b7e6f1c-3a52-4d8e-9b1a-2f4c6d8e0a11";

describe("form fields (one way to read input)", () => {
  it("reads ids, days, months, euros, repeated fields and boxes, or says why in French", () => {
    const schema = z.object({
      id: uuid(),
      day: isoDate(),
      month: month(),
      amount: euros(),
      free: euros({ allowZero: true }),
      ids: many(uuid()),
      ok: checkbox,
    });
    expect(
      schema.parse({
        id: ` ${ID} `,
        day: "2026-02-28",
        month: "2026-12",
        amount: "12,5 €",
        free: "0",
        ids: ID,
        ok: "on",
      }),
    ).toEqual({ id: ID, day: "2026-02-28", month: "2026-12", amount: 1250, free: 0, ids: [ID], ok: true });
    const bad = schema.safeParse({
      id: "1 OR 1=1",
      day: "2026-02-30",
      month: "2026-13",
      amount: "0",
      free: "12,505",
      ids: [ID, "x"],
    });
    expect(bad.success).toBe(false);
    const messages = Object.fromEntries((bad.error?.issues ?? []).map((i) => [String(i.path[0]), i.message]));
    expect(messages).toEqual({
      id: "Ce choix n'est pas valide.",
      day: "Indiquez une date valide (jj/mm/aaaa).",
      month: "Indiquez un mois valide.",
      amount: "Le montant doit être supérieur à zéro.",
      free: "Le montant a au plus deux chiffres après la virgule.",
      ids: "Ce choix n'est pas valide.",
    });
    expect(schema.shape.ids.parse(undefined)).toEqual([]);
    expect(schema.shape.ok.parse(undefined)).toBe(false);
  });
});

function formApp() {
  const app = new Hono<AppEnv>();
  app.onError((err, c) => c.text(err.message, err instanceof AppError ? err.status : 500));
  const schema = z.object({
    name: z.string().min(1, "Indiquez le nom."),
    password: z.string(),
    ids: many(uuid()),
  });
  app.post("/form", (c) =>
    submitForm(
      c,
      schema,
      {
        valid: async (data) => {
          if (data.name === "pris") throw FormError.at("name", "Ce nom est déjà pris.");
          return c.json(data);
        },
        invalid: (state) => c.json(state, 422),
      },
      { all: true },
    ),
  );
  app.get("/item/:id", (c) => c.text(`${uuidParam(c, "id")} ${uuidQuery(c, "enfant")}`));
  return app;
}

const post = (app: Hono<AppEnv>, body: string) =>
  app.request("/form", {
    method: "POST",
    body,
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
  });

describe("submitForm", () => {
  it("hands the valid input to the action", async () => {
    const res = await post(formApp(), `name=Léa&password=x&ids=${ID}&ids=${ID}`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ name: "Léa", password: "x", ids: [ID, ID] });
  });

  it("re-renders with what was typed, never the password, and the message at the field (422)", async () => {
    const res = await post(formApp(), "name=&password=secret&ids=x");
    expect(res.status).toBe(422);
    expect(await res.json()).toEqual({
      values: { name: "", ids: "x" },
      errors: { name: "Indiquez le nom.", ids: "Ce choix n'est pas valide." },
    });
  });

  it("turns a FormError thrown by the action into the same re-render", async () => {
    const res = await post(formApp(), "name=pris&password=secret");
    expect(res.status).toBe(422);
    expect(await res.json()).toEqual({ values: { name: "pris" }, errors: { name: "Ce nom est déjà pris." } });
  });
});

describe("ids in the path and the query", () => {
  it("answers 404 for anything that is not a UUID", async () => {
    const app = formApp();
    expect((await app.request(`/item/${ID}?enfant=${ID}`)).status).toBe(200);
    expect((await app.request(`/item/abc?enfant=${ID}`)).status).toBe(404);
    expect((await app.request(`/item/${ID}?enfant=abc`)).status).toBe(404);
    expect((await app.request(`/item/${ID}`)).status).toBe(404);
  });
});

describe("uploads next to fields", () => {
  it("reads the text fields as typed and keeps only the files chosen, by field name", async () => {
    const app = new Hono<AppEnv>().post("/upload", async (c) => {
      const { values, files } = await readUpload(c);
      return c.json({
        values,
        files: Object.fromEntries(Object.entries(files).map(([k, f]) => [k, f.map((x) => x.name)])),
      });
    });
    const form = new FormData();
    form.append("titre", "Attestation");
    form.append("piece", new File(["%PDF"], "a.pdf", { type: "application/pdf" }));
    form.append("piece", new File(["%PDF"], "b.pdf", { type: "application/pdf" }));
    form.append("vide", new File([], "", { type: "application/octet-stream" }));
    const res = await app.request("/upload", { method: "POST", body: form });
    expect(await res.json()).toEqual({
      values: { titre: "Attestation", vide: "" },
      files: { piece: ["a.pdf", "b.pdf"] },
    });
  });
});
