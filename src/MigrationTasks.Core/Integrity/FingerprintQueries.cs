namespace MigrationTasks.Integrity;

/// <summary>
/// The catalog query behind <see cref="SchemaFingerprint"/>: one SELECT per object kind, each yielding
/// (kind, schema, line). Names are printed with quote_ident and qualified (the session runs with search_path =
/// pg_catalog), privileges are exploded and sorted, and long bodies (views, routines) enter as md5 digests.
/// </summary>
internal static class FingerprintQueries
{
    public static string Build(SchemaSelection selection)
    {
        var schema = selection.SqlPredicate("n.nspname");
        string[] parts =
        [
            $"""
            SELECT 'schema', n.nspname, 'schema ' || quote_ident(n.nspname) || ' owner ' || {Owner("n.nspowner")}
                || ' acl ' || {Acl("n.nspacl", "'n'", "n.nspowner")} || ' comment ' || {Comment("n.oid", "pg_namespace")}
            FROM pg_namespace n
            WHERE {schema} AND {NotExtensionMember("pg_namespace", "n.oid")}
            """,
            $"""
            SELECT 'relation', n.nspname, 'relation ' || {Qualified("n", "c")} || ' kind ' || c.relkind::text || ' owner ' || {Owner("c.relowner")}
                || ' persistence ' || c.relpersistence::text || ' rls ' || c.relrowsecurity::text || ' force ' || c.relforcerowsecurity::text
                || ' replica ' || c.relreplident::text
                || ' options ' || coalesce(array_to_string(ARRAY(SELECT o FROM unnest(c.reloptions) o ORDER BY o COLLATE "C"), ','), '-')
                || ' partition ' || coalesce(pg_get_expr(c.relpartbound, c.oid), '-')
                || ' key ' || CASE WHEN c.relkind = 'p' THEN pg_get_partkeydef(c.oid) ELSE '-' END
                || ' inherits ' || coalesce((SELECT string_agg(i.inhparent::regclass::text, ',' ORDER BY i.inhseqno) FROM pg_inherits i WHERE i.inhrelid = c.oid), '-')
                || ' acl ' || {Acl("c.relacl", "CASE WHEN c.relkind = 'S' THEN 's' ELSE 'r' END", "c.relowner")}
                || ' comment ' || {Comment("c.oid", "pg_class")}
                || CASE WHEN c.relkind IN ('v', 'm') THEN ' definition ' || md5(pg_get_viewdef(c.oid)) || ' populated ' || c.relispopulated::text ELSE '' END
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f', 'c') AND {schema} AND {NotExtensionMember("pg_class", "c.oid")}
            """,
            $"""
            SELECT 'column', n.nspname, 'column ' || {Qualified("n", "c")} || ' #' || row_number() OVER (PARTITION BY att.attrelid ORDER BY att.attnum)
                || ' ' || quote_ident(att.attname) || ' ' || format_type(att.atttypid, att.atttypmod)
                || CASE WHEN att.attnotnull THEN ' not null' ELSE '' END
                || ' default ' || coalesce(pg_get_expr(def.adbin, def.adrelid), '-')
                || ' identity ' || coalesce(nullif(att.attidentity::text, ''), '-')
                || ' generated ' || coalesce(nullif(att.attgenerated::text, ''), '-')
                || ' collation ' || CASE WHEN att.attcollation <> 0 AND att.attcollation <> typ.typcollation
                       THEN (SELECT quote_ident(cn.nspname) || '.' || quote_ident(co.collname) FROM pg_collation co JOIN pg_namespace cn ON cn.oid = co.collnamespace WHERE co.oid = att.attcollation)
                       ELSE '-' END
                || ' acl ' || {Acl("att.attacl", "'c'", "c.relowner")}
                || ' comment ' || coalesce(quote_literal(col_description(c.oid, att.attnum)), '-')
            FROM pg_attribute att
                JOIN pg_class c ON c.oid = att.attrelid
                JOIN pg_namespace n ON n.oid = c.relnamespace
                JOIN pg_type typ ON typ.oid = att.atttypid
                LEFT JOIN pg_attrdef def ON def.adrelid = att.attrelid AND def.adnum = att.attnum
            WHERE att.attnum > 0 AND NOT att.attisdropped AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'c')
                AND {schema} AND {NotExtensionMember("pg_class", "c.oid")}
            """,
            $"""
            SELECT 'constraint', n.nspname, 'constraint '
                || CASE WHEN con.conrelid <> 0
                       THEN (SELECT {Qualified("cn", "cc")} FROM pg_class cc JOIN pg_namespace cn ON cn.oid = cc.relnamespace WHERE cc.oid = con.conrelid)
                       ELSE 'type ' || con.contypid::regtype::text END
                || ' ' || quote_ident(con.conname) || ' ' || pg_get_constraintdef(con.oid)
                || ' comment ' || {Comment("con.oid", "pg_constraint")}
            FROM pg_constraint con JOIN pg_namespace n ON n.oid = con.connamespace
            WHERE con.contype <> 'n' AND {schema}
                AND (con.conrelid = 0 OR {NotExtensionMember("pg_class", "con.conrelid")})
                AND (con.contypid = 0 OR {NotExtensionMember("pg_type", "con.contypid")})
            """,
            $"""
            SELECT 'index', n.nspname, 'index ' || pg_get_indexdef(ind.indexrelid) || ' clustered ' || ind.indisclustered::text
                || ' comment ' || {Comment("ind.indexrelid", "pg_class")}
            FROM pg_index ind JOIN pg_class c ON c.oid = ind.indexrelid JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE {schema} AND {NotExtensionMember("pg_class", "ind.indrelid")}
            """,
            $"""
            SELECT 'trigger', n.nspname, 'trigger ' || pg_get_triggerdef(tg.oid) || ' enabled ' || tg.tgenabled::text
                || ' comment ' || {Comment("tg.oid", "pg_trigger")}
            FROM pg_trigger tg JOIN pg_class c ON c.oid = tg.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE NOT tg.tgisinternal AND {schema} AND {NotExtensionMember("pg_class", "c.oid")}
            """,
            $"""
            SELECT 'policy', n.nspname, 'policy ' || {Qualified("n", "c")} || ' ' || quote_ident(pol.polname) || ' cmd ' || pol.polcmd::text
                || ' permissive ' || pol.polpermissive::text
                || ' to ' || coalesce((SELECT string_agg(r.name, ',' ORDER BY r.name COLLATE "C") FROM
                       (SELECT CASE role_oid WHEN 0 THEN 'PUBLIC' ELSE quote_ident(pg_get_userbyid(role_oid)) END AS name FROM unnest(pol.polroles) role_oid) r), '-')
                || ' using ' || coalesce(pg_get_expr(pol.polqual, pol.polrelid), '-')
                || ' check ' || coalesce(pg_get_expr(pol.polwithcheck, pol.polrelid), '-')
            FROM pg_policy pol JOIN pg_class c ON c.oid = pol.polrelid JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE {schema} AND {NotExtensionMember("pg_class", "c.oid")}
            """,
            $"""
            SELECT 'routine', n.nspname, 'routine ' || quote_ident(n.nspname) || '.' || quote_ident(p.proname) || '(' || pg_get_function_identity_arguments(p.oid) || ')'
                || ' kind ' || p.prokind::text || ' owner ' || {Owner("p.proowner")}
                || ' acl ' || {Acl("p.proacl", "'f'", "p.proowner")} || ' comment ' || {Comment("p.oid", "pg_proc")}
                || ' definition ' || CASE WHEN p.prokind = 'a'
                       THEN md5(agg.aggtransfn::regprocedure::text || '/' || agg.aggfinalfn::regproc::text || '/' || format_type(agg.aggtranstype, NULL)
                                || '/' || coalesce(agg.agginitval, '-') || '/' || agg.aggkind::text)
                       ELSE md5(pg_get_functiondef(p.oid)) END
            FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace LEFT JOIN pg_aggregate agg ON agg.aggfnoid = p.oid
            WHERE {schema} AND {NotExtensionMember("pg_proc", "p.oid")}
            """,
            $"""
            SELECT 'type', n.nspname, 'type ' || t.oid::regtype::text || ' kind ' || t.typtype::text || ' owner ' || {Owner("t.typowner")}
                || ' acl ' || {Acl("t.typacl", "'T'", "t.typowner")} || ' comment ' || {Comment("t.oid", "pg_type")}
                || CASE t.typtype
                       WHEN 'e' THEN ' labels ' || coalesce((SELECT string_agg(quote_literal(e.enumlabel), ',' ORDER BY e.enumsortorder) FROM pg_enum e WHERE e.enumtypid = t.oid), '')
                       WHEN 'd' THEN ' base ' || format_type(t.typbasetype, t.typtypmod) || ' not null ' || t.typnotnull::text || ' default ' || coalesce(t.typdefault, '-')
                       WHEN 'r' THEN ' subtype ' || coalesce((SELECT format_type(rng.rngsubtype, NULL) FROM pg_range rng WHERE rng.rngtypid = t.oid), '-')
                       ELSE '' END
            FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
            WHERE t.typtype IN ('e', 'd', 'r') AND {schema} AND {NotExtensionMember("pg_type", "t.oid")}
            """,
            $"""
            SELECT 'sequence', n.nspname, 'sequence ' || {Qualified("n", "c")} || ' ' || format_type(s.seqtypid, NULL)
                || ' start ' || s.seqstart || ' increment ' || s.seqincrement || ' min ' || s.seqmin || ' max ' || s.seqmax
                || ' cache ' || s.seqcache || ' cycle ' || s.seqcycle::text
                || ' owned by ' || coalesce((
                       SELECT {Qualified("dn", "dc")} || '.' || quote_ident(da.attname)
                       FROM pg_depend d
                           JOIN pg_class dc ON dc.oid = d.refobjid
                           JOIN pg_namespace dn ON dn.oid = dc.relnamespace
                           JOIN pg_attribute da ON da.attrelid = d.refobjid AND da.attnum = d.refobjsubid
                       WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')
                       ORDER BY 1 LIMIT 1), '-')
            FROM pg_sequence s JOIN pg_class c ON c.oid = s.seqrelid JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE {schema} AND {NotExtensionMember("pg_class", "c.oid")}
            """,
            """
            SELECT 'extension', n.nspname, 'extension ' || quote_ident(e.extname) || ' schema ' || quote_ident(n.nspname)
            FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
            """,
            $"""
            SELECT 'rule', n.nspname, 'rule ' || pg_get_ruledef(r.oid)
            FROM pg_rewrite r JOIN pg_class c ON c.oid = r.ev_class JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE r.rulename <> '_RETURN' AND {schema} AND {NotExtensionMember("pg_class", "c.oid")}
            """,
            $"""
            SELECT 'default privileges', coalesce(n.nspname, '*'), 'default privileges of ' || {Owner("dacl.defaclrole")}
                || ' in ' || coalesce((SELECT quote_ident(dn.nspname) FROM pg_namespace dn WHERE dn.oid = dacl.defaclnamespace), '*')
                || ' on ' || dacl.defaclobjtype::text || ' acl ' || {Acl("dacl.defaclacl", null, null)}
            FROM pg_default_acl dacl LEFT JOIN pg_namespace n ON n.oid = dacl.defaclnamespace
            WHERE dacl.defaclnamespace = 0 OR {schema}
            """,
        ];

        // Each line starts with its schema ("app | relation app.users ..."), so a comparison can leave schemas out.
        // Deparsed expressions span lines (policies with subqueries): one object stays one line, newlines escaped.
        return "SELECT quote_ident(schema_name) || ' | ' || replace(replace(coalesce(line, kind || ' <incomplete line>'), E'\\r', '\\r'), E'\\n', '\\n') FROM (\n" +
            string.Join("\nUNION ALL\n", parts.Select(p => $"SELECT * FROM ({p}) AS part(kind, schema_name, line)")) + "\n) AS lines";
    }

    private static string Qualified(string namespaceAlias, string classAlias) =>
        $"quote_ident({namespaceAlias}.nspname) || '.' || quote_ident({classAlias}.relname)";

    private static string Owner(string roleOid) => $"quote_ident(pg_get_userbyid({roleOid}))";

    private static string Comment(string oid, string catalog) => $"coalesce(quote_literal(obj_description({oid}, '{catalog}')), '-')";

    private static string NotExtensionMember(string catalog, string oid) =>
        $"NOT EXISTS (SELECT 1 FROM pg_depend ext WHERE ext.classid = '{catalog}'::regclass AND ext.objid = {oid} AND ext.deptype = 'e')";

    /// <summary>
    /// An ACL as sorted <c>grantee=PRIVILEGE[*]</c> items. A NULL ACL means the owner's defaults
    /// (<paramref name="kind"/> given), so an explicit default and an implicit one print the same; grantors are
    /// left out, as a restore may record another grantor for the same grant.
    /// </summary>
    private static string Acl(string acl, string? kind, string? owner)
    {
        var value = kind is null ? acl : $"coalesce({acl}, acldefault(({kind})::\"char\", {owner}))";
        return $"""
            (SELECT coalesce(string_agg(acl_rows.item, ',' ORDER BY acl_rows.item COLLATE "C"), '')
             FROM (SELECT CASE acl_item.grantee WHEN 0 THEN 'PUBLIC' ELSE quote_ident(pg_get_userbyid(acl_item.grantee)) END
                          || '=' || acl_item.privilege_type || CASE WHEN acl_item.is_grantable THEN '*' ELSE '' END AS item
                   FROM aclexplode({value}) acl_item) acl_rows)
            """;
    }
}
