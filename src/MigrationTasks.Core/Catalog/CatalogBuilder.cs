using MigrationTasks.Catalog.Model;
using MigrationTasks.Sql;

namespace MigrationTasks.Catalog;

/// <summary>
/// Turns the buffered query results into catalog objects keyed by name, and pg_depend's OID pairs into
/// dependencies between those keys. OIDs live only here.
/// </summary>
internal sealed class CatalogBuilder(IReadOnlyDictionary<string, ResultSet> results)
{
    // System catalog OIDs (fixed in PostgreSQL's catalog headers, the same in every version).
    private const uint PgClass = 1259;
    private const uint PgType = 1247;
    private const uint PgProc = 1255;
    private const uint PgNamespace = 2615;
    private const uint PgConstraint = 2606;
    private const uint PgAttrdef = 2604;
    private const uint PgTrigger = 2620;
    private const uint PgPolicy = 3256;
    private const uint PgRewrite = 2618;
    private const uint PgExtension = 3079;
    private const uint PgCollation = 3456;

    private readonly List<CatalogObject> _objects = [];
    private readonly Dictionary<(uint Catalog, uint Oid), string> _keys = [];
    private readonly Dictionary<(uint Relation, int Attnum), string> _columnKeys = [];
    private readonly Dictionary<(uint Catalog, uint Oid, int Sub), string> _comments = [];
    private readonly Dictionary<uint, string> _relationSql = [];
    private readonly Dictionary<uint, (string Schema, string Name)> _relationNames = [];
    private readonly Dictionary<uint, string> _tableKeys = [];
    private readonly Dictionary<string, uint> _relationOids = new(StringComparer.Ordinal);
    private readonly Dictionary<uint, (string Schema, string Name)> _typeNames = [];
    private readonly Dictionary<(uint Relation, int Attnum), SequenceOptions> _identity = [];
    private readonly Dictionary<string, List<Dependency>> _dependencies = new(StringComparer.Ordinal);

    public (IReadOnlyList<CatalogObject> Objects, IReadOnlyDictionary<string, IReadOnlyList<Dependency>> Dependencies) Build()
    {
        foreach (var row in results["comments"].All())
        {
            _comments[(row.Oid("classoid"), row.Oid("objoid"), row.Int("objsubid"))] = row.String("description");
        }

        ReadSchemas();
        ReadExtensions();
        ReadCollations();
        ReadTypes();
        ReadRelations();
        ReadSequences();
        ReadColumns();
        ReadConstraints();
        ReadIndexes();
        ReadRoutines();
        ReadTriggers();
        ReadPolicies();
        ReadDefaultPrivileges();
        ReadBuiltInPrivileges();
        ReadDependencies();
        BodyReferences.Add(_objects, _dependencies);
        return (_objects, _dependencies.ToDictionary(p => p.Key, p => (IReadOnlyList<Dependency>)p.Value.Distinct().ToList(), StringComparer.Ordinal));
    }

    private string? Comment(uint catalog, uint oid, int sub = 0) => _comments.TryGetValue((catalog, oid, sub), out var text) ? text : null;

    private static IReadOnlyList<Privilege> Privileges(string[] items) => items.Select(Privilege.Parse).Order().ToList();

    private void Add(CatalogObject item, uint catalog, uint oid)
    {
        _objects.Add(item);
        if (oid != 0)
        {
            _keys[(catalog, oid)] = item.Key;
        }
    }

    private void Depend(string key, string on, DependencyKind kind)
    {
        if (key == on)
        {
            return;
        }

        if (!_dependencies.TryGetValue(key, out var list))
        {
            _dependencies[key] = list = [];
        }

        list.Add(new Dependency(on, kind));
    }

    private void ReadSchemas()
    {
        foreach (var row in results["schemas"].All())
        {
            var name = row.String("nspname");
            Add(new SchemaObject
            {
                Key = ObjectKeys.Schema(name),
                Schema = "",
                Name = name,
                Owner = row.String("owner"),
                Privileges = Privileges(row.Strings("acl")),
                Comment = Comment(PgNamespace, row.Oid("oid")),
            }, PgNamespace, row.Oid("oid"));
        }
    }

    private void ReadExtensions()
    {
        foreach (var row in results["extensions"].All())
        {
            var name = row.String("extname");
            Add(new ExtensionObject
            {
                Key = ObjectKeys.Extension(name),
                Schema = row.String("nspname"),
                Name = name,
                Version = row.String("extversion"),
                Relocatable = row.Bool("extrelocatable"),
                Comment = Comment(PgExtension, row.Oid("oid")),
            }, PgExtension, row.Oid("oid"));
        }
    }

    private void ReadCollations()
    {
        foreach (var row in results["collations"].All())
        {
            var schema = row.String("nspname");
            var name = row.String("collname");
            Add(new CollationObject
            {
                Key = ObjectKeys.Collation(schema, name),
                Schema = schema,
                Name = name,
                Owner = row.String("owner"),
                Properties = row.Json("properties"),
                Comment = Comment(PgCollation, row.Oid("oid")),
            }, PgCollation, row.Oid("oid"));
        }
    }

    private void ReadTypes()
    {
        foreach (var row in results["types"].All())
        {
            var schema = row.String("nspname");
            var name = row.String("typname");
            var oid = row.Oid("oid");
            var range = row.Json("range");
            var item = new TypeObject
            {
                Key = ObjectKeys.Type(schema, name),
                Schema = schema,
                Name = name,
                TypeKind = row.Char("typtype"),
                Owner = row.String("owner"),
                Privileges = Privileges(row.Strings("acl")),
                Labels = row.Strings("labels"),
                BaseType = row.NullableString("base_type"),
                NotNull = row.Bool("typnotnull"),
                Default = row.NullableString("domain_default"),
                Collation = row.NullableString("collation"),
                AttributeNames = row.Strings("attribute_names"),
                AttributeTypes = row.Strings("attribute_types"),
                Range = range.Where(p => p.Key != "multirange_oid").ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal),
                Comment = Comment(PgType, oid),
            };
            Add(item, PgType, oid);
            _typeNames[oid] = (schema, name);
            _keys[(PgType, row.Oid("typarray"))] = item.Key;
            if (row.Oid("typrelid") != 0)
            {
                _keys[(PgClass, row.Oid("typrelid"))] = item.Key;
            }

            if (range.TryGetValue("multirange_oid", out var multirange) && multirange is not null)
            {
                _keys[(PgType, uint.Parse(multirange, System.Globalization.CultureInfo.InvariantCulture))] = item.Key;
            }
        }
    }

    private void ReadRelations()
    {
        var rows = results["relations"].All().ToList();
        foreach (var row in rows)
        {
            var kind = row.Char("relkind");
            var schema = row.String("nspname");
            var name = row.String("relname");
            var oid = row.Oid("oid");
            var keyKind = kind switch { 'v' => "view", 'm' => "materialized view", _ => "table" };
            var key = ObjectKeys.Relation(keyKind, schema, name);
            _keys[(PgClass, oid)] = key;
            _keys[(PgType, row.Oid("reltype"))] = key;
            _keys[(PgType, row.Oid("reltype_array"))] = key;
            if (row.Oid("rewrite_oid") != 0)
            {
                _keys[(PgRewrite, row.Oid("rewrite_oid"))] = key;
            }

            _relationSql[oid] = SqlQuote.Qualified(schema, name);
            _relationNames[oid] = (schema, name);
            _relationOids[key] = oid;
            if (kind is 'r' or 'p')
            {
                _tableKeys[oid] = key;
            }
        }

        foreach (var row in rows)
        {
            var kind = row.Char("relkind");
            var oid = row.Oid("oid");
            var (schema, name) = _relationNames[oid];
            var key = _keys[(PgClass, oid)];
            if (kind is 'v' or 'm')
            {
                _objects.Add(new ViewObject
                {
                    Key = key,
                    Schema = schema,
                    Name = name,
                    Materialized = kind == 'm',
                    Definition = row.String("view_definition"),
                    Options = row.Strings("reloptions").Order(StringComparer.Ordinal).ToList(),
                    Populated = row.Bool("relispopulated"),
                    Owner = row.String("owner"),
                    Privileges = Privileges(row.Strings("acl")),
                    Comment = Comment(PgClass, oid),
                });
                continue;
            }

            var parents = row.Oids("parents").Select(p => _keys.TryGetValue((PgClass, p), out var k) ? k : null).OfType<string>().ToList();
            var isPartition = row.Bool("relispartition");
            _objects.Add(new TableObject
            {
                Key = key,
                Schema = schema,
                Name = name,
                Persistence = row.Char("relpersistence"),
                Options = row.Strings("reloptions").Order(StringComparer.Ordinal).ToList(),
                RowSecurity = row.Bool("relrowsecurity"),
                ForceRowSecurity = row.Bool("relforcerowsecurity"),
                ReplicaIdentity = row.Char("relreplident"),
                ReplicaIdentityIndex = row.Char("relreplident") == 'i' ? row.NullableString("replica_index") : null,
                PartitionKey = row.NullableString("partition_key"),
                PartitionOf = isPartition ? parents.FirstOrDefault() : null,
                PartitionBound = isPartition ? row.NullableString("partition_bound") : null,
                Inherits = isPartition ? [] : parents,
                OfType = row.NullableString("of_type"),
                Owner = row.String("owner"),
                Privileges = Privileges(row.Strings("acl")),
                Comment = Comment(PgClass, oid),
            });
        }
    }

    private void ReadSequences()
    {
        foreach (var row in results["sequences"].All())
        {
            var schema = row.String("nspname");
            var name = row.String("relname");
            var oid = row.Oid("oid");
            var options = new SequenceOptions(row.String("data_type"), row.Long("seqstart"), row.Long("seqincrement"), row.Long("seqmin"),
                row.Long("seqmax"), row.Long("seqcache"), row.Bool("seqcycle"))
            { LastValue = row.NullableLong("last_value") };
            var ownerTable = row.Oid("owner_table");
            var ownerColumn = row.Int("owner_column");
            if (row.Char("owner_dependency") == 'i')
            {
                // An identity column's sequence is part of the column.
                _identity[(ownerTable, ownerColumn)] = options with { Name = SqlQuote.Qualified(schema, name) };
                continue;
            }

            string? ownedBy = null;
            string? ownedBySql = null;
            if (ownerTable != 0 && _tableKeys.TryGetValue(ownerTable, out var tableKey))
            {
                ownedBy = $"{tableKey}\u0000{ownerColumn}";
                ownedBySql = _relationSql[ownerTable];
            }

            Add(new SequenceObject
            {
                Key = ObjectKeys.Sequence(schema, name),
                Schema = schema,
                Name = name,
                Options = options,
                Persistence = row.Char("relpersistence"),
                OwnedBy = ownedBy,
                OwnedBySql = ownedBySql,
                Owner = row.String("owner"),
                Privileges = Privileges(row.Strings("acl")),
                Comment = Comment(PgClass, oid),
            }, PgClass, oid);
        }
    }

    private void ReadColumns()
    {
        var byRelation = new Dictionary<uint, List<ColumnObject>>();
        foreach (var row in results["columns"].All())
        {
            var relation = row.Oid("attrelid");
            if (!_keys.TryGetValue((PgClass, relation), out var relationKey))
            {
                continue;
            }

            var (schema, relationName) = _relationNames[relation];
            var name = row.String("attname");
            var attnum = row.Int("attnum");
            var key = ObjectKeys.Column(relationKey, name);
            var generated = row.Char("attgenerated") == 's';
            var expression = row.NullableString("default_expression");
            var column = new ColumnObject
            {
                Key = key,
                Parent = relationKey,
                Schema = schema,
                Name = name,
                Relation = _relationSql[relation],
                RelationName = relationName,
                Position = attnum,
                Type = row.String("type"),
                Collation = row.NullableString("collation"),
                NotNull = row.Bool("attnotnull"),
                Identity = row.Char("attidentity"),
                IdentitySequence = _identity.TryGetValue((relation, attnum), out var identity) ? identity : null,
                Generated = generated ? expression : null,
                Default = generated ? null : expression,
                IsLocal = row.Bool("attislocal"),
                InheritCount = row.Int("attinhcount"),
                Storage = row.Char("storage"),
                TypeStorage = row.Char("type_storage"),
                Compression = row.Char("attcompression") is var c && c != '\0' ? c : null,
                Statistics = row.NullableInt("statistics"),
                Options = row.Strings("attoptions"),
                Privileges = Privileges(row.Strings("acl")),
                Comment = Comment(PgClass, relation, attnum),
            };
            if (!byRelation.TryGetValue(relation, out var list))
            {
                byRelation[relation] = list = [];
            }

            list.Add(column);
            if (!_tableKeys.ContainsKey(relation))
            {
                continue; // a view's columns are part of the view
            }

            _objects.Add(column);
            _columnKeys[(relation, attnum)] = key;
            Depend(key, relationKey, DependencyKind.Automatic);
            if (column.Default is not null)
            {
                var defaultKey = ObjectKeys.Default(key);
                Add(new DefaultObject
                {
                    Key = defaultKey,
                    Parent = key,
                    Schema = schema,
                    Name = name,
                    Relation = column.Relation,
                    RelationName = relationName,
                    Expression = column.Default,
                }, PgAttrdef, row.Oid("default_oid"));
                Depend(defaultKey, key, DependencyKind.Automatic);
            }
        }

        // Attach the column lists to their relations, and resolve OWNED BY to column keys.
        for (var i = 0; i < _objects.Count; i++)
        {
            switch (_objects[i])
            {
                case TableObject table:
                    _objects[i] = table with { Columns = byRelation.TryGetValue(_relationOids[table.Key], out var columns) ? columns : [] };
                    break;
                case ViewObject view:
                    _objects[i] = view with { Columns = byRelation.TryGetValue(_relationOids[view.Key], out var viewColumns) ? viewColumns : [] };
                    break;
                case SequenceObject { OwnedBy: { } ownedBy } sequence:
                    var separator = ownedBy.IndexOf('\u0000', StringComparison.Ordinal);
                    var tableKey = ownedBy[..separator];
                    var attnum = int.Parse(ownedBy[(separator + 1)..], System.Globalization.CultureInfo.InvariantCulture);
                    var tableOid = _relationOids[tableKey];
                    var columnKey = _columnKeys.TryGetValue((tableOid, attnum), out var k) ? k : null;
                    var columnName = byRelation[tableOid].First(c => c.Position == attnum).Name;
                    _objects[i] = sequence with { OwnedBy = columnKey, OwnedBySql = sequence.OwnedBySql + "." + SqlQuote.Identifier(columnName) };
                    break;
            }
        }
    }

    private void ReadConstraints()
    {
        foreach (var row in results["constraints"].All())
        {
            var relation = row.Oid("conrelid");
            var domain = row.Oid("contypid");
            var onDomain = relation == 0;
            if (!_keys.TryGetValue(onDomain ? (PgType, domain) : (PgClass, relation), out var ownerKey))
            {
                continue;
            }

            var (schema, owningName) = onDomain ? _typeNames[domain] : _relationNames[relation];
            var name = row.String("conname");
            var key = ObjectKeys.Constraint(ownerKey, name);
            var type = row.Char("contype");
            var referenced = row.Oid("confrelid");
            var item = new ConstraintObject
            {
                Key = key,
                Parent = ownerKey,
                Schema = schema,
                Name = name,
                Owning = SqlQuote.Qualified(schema, owningName),
                OwningName = owningName,
                OnDomain = onDomain,
                ConstraintType = type,
                Definition = row.String("definition"),
                Validated = row.Bool("convalidated"),
                Deferrable = row.Bool("condeferrable"),
                Deferred = row.Bool("condeferred"),
                IsLocal = row.Bool("conislocal"),
                References = referenced != 0 && _keys.TryGetValue((PgClass, referenced), out var refKey) ? refKey : null,
                Comment = Comment(PgConstraint, row.Oid("oid")),
            };
            Add(item, PgConstraint, row.Oid("oid"));
            Depend(key, ownerKey, DependencyKind.Automatic);
            if (type is 'p' or 'u' or 'x' && row.Oid("conindid") != 0)
            {
                // The index behind a key or exclusion constraint is the constraint.
                _keys[(PgClass, row.Oid("conindid"))] = key;
            }
        }
    }

    private void ReadIndexes()
    {
        foreach (var row in results["indexes"].All())
        {
            var table = row.Oid("indrelid");
            if (!_keys.TryGetValue((PgClass, table), out var tableKey))
            {
                continue;
            }

            var schema = row.String("nspname");
            var name = row.String("relname");
            var key = ObjectKeys.Index(schema, name);
            Add(new IndexObject
            {
                Key = key,
                Parent = tableKey,
                Schema = schema,
                Name = name,
                Table = _relationSql[table],
                TableName = _relationNames[table].Name,
                Definition = row.String("definition"),
                Unique = row.Bool("indisunique"),
                Comment = Comment(PgClass, row.Oid("indexrelid")),
            }, PgClass, row.Oid("indexrelid"));
            Depend(key, tableKey, DependencyKind.Automatic);
        }
    }

    private void ReadRoutines()
    {
        foreach (var row in results["routines"].All())
        {
            var schema = row.String("nspname");
            var name = row.String("proname");
            var identity = row.String("identity_arguments");
            var argumentTypes = row.String("argument_types");
            var oid = row.Oid("oid");
            Add(new RoutineObject
            {
                Key = ObjectKeys.Routine(schema, name, argumentTypes),
                ArgumentTypes = argumentTypes,
                Schema = schema,
                Name = name,
                RoutineKind = row.Char("prokind"),
                IdentityArguments = identity,
                Arguments = row.String("arguments"),
                Result = row.NullableString("result") ?? "",
                Definition = row.NullableString("definition"),
                Language = row.String("lanname"),
                SecurityDefiner = row.Bool("prosecdef"),
                Config = row.Strings("proconfig"),
                Source = row.NullableString("source"),
                Extension = row.NullableString("extension"),
                Aggregate = row.Json("aggregate"),
                Owner = row.String("owner"),
                Privileges = Privileges(row.Strings("acl")),
                Comment = Comment(PgProc, oid),
            }, PgProc, oid);
        }
    }

    /// <summary>The table a trigger or policy row belongs to, or null when the table is not in the catalog.</summary>
    private (string Key, string Schema, string Sql, string Name)? OwningTable(ResultSet.Row row, string column)
    {
        var table = row.Oid(column);
        return _keys.TryGetValue((PgClass, table), out var key) ? (key, _relationNames[table].Schema, _relationSql[table], _relationNames[table].Name) : null;
    }

    private void ReadTriggers()
    {
        foreach (var row in results["triggers"].All())
        {
            if (OwningTable(row, "tgrelid") is not { } table)
            {
                continue;
            }

            var name = row.String("tgname");
            var key = ObjectKeys.Trigger(table.Key, name);
            Add(new TriggerObject
            {
                Key = key,
                Parent = table.Key,
                Schema = table.Schema,
                Name = name,
                Table = table.Sql,
                TableName = table.Name,
                Definition = row.String("definition"),
                Enabled = row.Char("tgenabled"),
                Comment = Comment(PgTrigger, row.Oid("oid")),
            }, PgTrigger, row.Oid("oid"));
            Depend(key, table.Key, DependencyKind.Automatic);
        }
    }

    private void ReadPolicies()
    {
        foreach (var row in results["policies"].All())
        {
            if (OwningTable(row, "polrelid") is not { } table)
            {
                continue;
            }

            var name = row.String("polname");
            var key = ObjectKeys.Policy(table.Key, name);
            Add(new PolicyObject
            {
                Key = key,
                Parent = table.Key,
                Schema = table.Schema,
                Name = name,
                Table = table.Sql,
                TableName = table.Name,
                Command = row.Char("polcmd"),
                Permissive = row.Bool("polpermissive"),
                Roles = row.Strings("roles"),
                Using = row.NullableString("using_expression"),
                Check = row.NullableString("check_expression"),
                Comment = Comment(PgPolicy, row.Oid("oid")),
            }, PgPolicy, row.Oid("oid"));
            Depend(key, table.Key, DependencyKind.Automatic);
        }
    }

    private void ReadDefaultPrivileges()
    {
        foreach (var row in results["default_privileges"].All())
        {
            var role = row.String("role");
            var schema = row.NullableString("nspname");
            var type = row.Char("defaclobjtype");
            _objects.Add(new DefaultPrivilegeObject
            {
                Key = ObjectKeys.DefaultPrivilege(role, schema, type),
                Schema = schema ?? "",
                Name = role,
                Role = role,
                InSchema = schema,
                ObjectType = type,
                Privileges = Privileges(row.Strings("acl")),
            });
            if (schema is not null)
            {
                Depend(ObjectKeys.DefaultPrivilege(role, schema, type), ObjectKeys.Schema(schema), DependencyKind.Automatic);
            }
        }
    }

    private void ReadBuiltInPrivileges()
    {
        var defaults = new Dictionary<char, IReadOnlyList<Privilege>>();
        foreach (var row in results["builtin_privileges"].All())
        {
            defaults[row.Char("kind")] = Privileges(row.Strings("acl"));
        }

        BuiltInPrivileges = defaults;
    }

    /// <summary>Per object type (r, s, f, T, n), the privileges a new object gets; "*" stands for its owner.</summary>
    public IReadOnlyDictionary<char, IReadOnlyList<Privilege>> BuiltInPrivileges { get; private set; } = new Dictionary<char, IReadOnlyList<Privilege>>();

    private void ReadDependencies()
    {
        var rows = results["dependencies"].All().ToList();
        var extensionMembers = new Dictionary<(uint, uint), string>();
        foreach (var row in rows.Where(r => r.Char("deptype") == 'e'))
        {
            if (_keys.TryGetValue((PgExtension, row.Oid("refobjid")), out var extension))
            {
                extensionMembers[(row.Oid("classid"), row.Oid("objid"))] = extension;
            }
        }

        string? Resolve(uint catalog, uint oid, int sub)
        {
            if (catalog == PgClass && sub > 0 && _columnKeys.TryGetValue((oid, sub), out var column))
            {
                return column;
            }

            if (_keys.TryGetValue((catalog, oid), out var key))
            {
                return key;
            }

            return extensionMembers.TryGetValue((catalog, oid), out var extension) ? extension : null;
        }

        foreach (var row in rows)
        {
            var type = row.Char("deptype");
            if (type == 'e')
            {
                continue;
            }

            var from = Resolve(row.Oid("classid"), row.Oid("objid"), row.Int("objsubid"));
            var to = Resolve(row.Oid("refclassid"), row.Oid("refobjid"), row.Int("refobjsubid"));
            if (from is null || to is null)
            {
                continue;
            }

            var kind = type == 'n' ? DependencyKind.Normal
                : from.StartsWith("sequence ", StringComparison.Ordinal) && to.StartsWith("column ", StringComparison.Ordinal) ? DependencyKind.OwnedBy
                : DependencyKind.Automatic;
            Depend(from, to, kind);
        }
    }
}
