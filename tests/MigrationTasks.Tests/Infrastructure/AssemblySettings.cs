// Two cores: run test classes two at a time; end-to-end classes opt out with [DoNotParallelize].
[assembly: Parallelize(Workers = 2, Scope = ExecutionScope.ClassLevel)]
