-- Dependencies between user objects (pg_depend), the raw material of the statement order.
-- n = normal, a = automatic (dropped with what it depends on), i = internal, e = extension member.
select d.classid, d.objid, d.objsubid,
       d.refclassid, d.refobjid, d.refobjsubid, d.deptype
from pg_depend d
where d.objid >= 16384 and d.refobjid >= 16384 and d.deptype in ('n', 'a', 'i', 'e')
