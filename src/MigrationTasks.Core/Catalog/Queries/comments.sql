-- Every comment on a user object; matched to objects by catalog, oid and column number.
select d.classoid, d.objoid, d.objsubid, d.description
from pg_description d
where d.objoid >= 16384
