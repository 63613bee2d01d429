using System.CommandLine;
using AirQuality.Cli.Commands;

// On Ctrl+C or SIGTERM the running command is cancelled and given this long to flush, commit and leave its consumer group.
var invocation = new InvocationConfiguration { ProcessTerminationTimeout = TimeSpan.FromSeconds(30) };
return await AirqCommandLine.Build().Parse(args).InvokeAsync(invocation);
