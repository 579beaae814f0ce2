using Hark.Bench;

return await BenchMain.RunAsync(args);
