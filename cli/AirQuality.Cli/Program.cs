using AirQuality.Cli;
using AirQuality.Cli.Commands;

return await AirqCommandLine.Build().Parse(args).InvokeAsync();
