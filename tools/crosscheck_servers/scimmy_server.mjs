// SCIMMY (npm) served by scimmy-routers on express, as their READMEs show: the two packages do
// the protocol (parsing, validation, PATCH, filters, paging, discovery); the application only
// stores resources. Here the store is in memory, plus the one rule SCIMMY leaves to it: RFC 7643
// 4.1.1 userName uniqueness. The User resource carries SCIMMY's bundled enterprise extension.
// Started by tools/crosscheck.py with PORT and SCIM_TOKEN set, from the npm prefix it installed.
import {randomUUID, timingSafeEqual} from "node:crypto";
import express from "express";
import SCIMMY from "scimmy";
import SCIMMYRouters from "scimmy-routers";

const port = Number(process.env.PORT);
const expected = Buffer.from(`Bearer ${process.env.SCIM_TOKEN}`);

function notFound(id) {
    return new SCIMMY.Types.Error(404, null, `Resource ${id} not found`);
}

function declare(Resource, unique) {
    const store = new Map();
    SCIMMY.Resources.declare(Resource)
        .ingress((resource, instance) => {
            const data = JSON.parse(JSON.stringify(instance));
            const old = resource.id ? store.get(resource.id) : undefined;
            if (resource.id && !old) throw notFound(resource.id);
            const key = unique && String(data[unique] ?? "").toLowerCase();
            for (const [id, other] of store) {
                if (key && id !== resource.id && String(other[unique]).toLowerCase() === key)
                    throw new SCIMMY.Types.Error(409, "uniqueness", `${unique} is already taken`);
            }
            const now = new Date().toISOString();
            const id = resource.id ?? randomUUID();
            const stored = {...data, id, meta: {created: old?.meta.created ?? now, lastModified: now}};
            store.set(id, stored);
            return stored;
        })
        .egress((resource) => {
            if (resource.id) {
                if (!store.has(resource.id)) throw notFound(resource.id);
                return store.get(resource.id);
            }
            const all = [...store.values()];
            return resource.filter ? resource.filter.match(all) : all;
        })
        .degress((resource) => {
            if (!store.delete(resource.id)) throw notFound(resource.id);
        });
}

// The enterprise extension SCIMMY bundles, as IdPs (Entra's default mappings) send it.
declare(SCIMMY.Resources.User.extend(SCIMMY.Schemas.EnterpriseUser, false), "userName");
declare(SCIMMY.Resources.Group, null);

const app = express();
app.use("/scim/v2", new SCIMMYRouters({
    type: "bearer",
    docUri: "https://scimmyjs.github.io",
    // Absolute meta.location (RFC 7643 3.1 "The URI of the resource"); relative when omitted.
    baseUri: () => `http://127.0.0.1:${port}`,
    handler: (request) => {
        const given = Buffer.from(request.header("Authorization") ?? "");
        if (given.length !== expected.length || !timingSafeEqual(given, expected))
            throw new Error("Authorization failed");
        return "crosscheck";
    },
}));
app.listen(port, "127.0.0.1", () => console.log(`SCIM API at http://127.0.0.1:${port}/scim/v2`));
