import type { Trx } from "../../db/database.ts";
import type { Tenant } from "../../tenancy/resolve.ts";
import { type Actor, recordWrite } from "../audit/service.ts";

/** How the enrolment slice audits a write on one of its rows (a request created, withdrawn, decided). */
export const auditOf =
  (entity: "enrolments" | "school_requests") =>
  (trx: Trx, tenant: Tenant, actor: Actor, householdId: string, action: string, id: string) =>
    recordWrite(trx, tenant.id, actor, { householdId, action, entity, entityId: id, fields: [] });
