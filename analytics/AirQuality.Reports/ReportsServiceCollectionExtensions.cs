using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace AirQuality.Reports;

/// <summary>Wires the report stage into a host.</summary>
public static class ReportsServiceCollectionExtensions
{
    /// <summary>
    /// <see cref="ReportOptions"/> from section <c>Reports</c> (they check themselves as they are made) and
    /// <c>Console:BaseUrl</c> (the console's address the e-mail links to), the SMTP
    /// <see cref="IMailSender"/> logging in with <paramref name="credentials"/> when given, <see cref="ReportQueries"/>
    /// in the options' time zone, and the <see cref="ReportFileWriter"/> that saves a report with its images.
    /// </summary>
    /// <remarks>
    /// The credentials are a parameter because they are secrets, which the caller reads from the environment only.
    /// Needs <c>AddStorage</c> and a <see cref="TimeProvider"/>; the sender and worker, which report progress to the
    /// caller, are made by it.
    /// </remarks>
    public static IServiceCollection AddReports(this IServiceCollection services, IConfiguration configuration, NetworkCredential? credentials)
    {
        // Console:BaseUrl is the console's setting; the e-mail links to it.
        services.AddSingleton(_ => (configuration.GetSection("Reports").Get<ReportOptions>() ?? new ReportOptions()).WithConsoleBaseUrl(configuration["Console:BaseUrl"]));
        services.AddSingleton<IMailSender>(sp => new SmtpMailSender(sp.GetRequiredService<ReportOptions>(), credentials));
        services.AddSingleton(sp => new ReportQueries(sp.GetRequiredService<NpgsqlDataSource>(), sp.GetRequiredService<ReportOptions>().Zone));
        services.AddSingleton(sp => new ReportFileWriter(sp.GetRequiredService<ReportQueries>(), new ReportFigureQueries(sp.GetRequiredService<NpgsqlDataSource>())));
        return services;
    }
}
