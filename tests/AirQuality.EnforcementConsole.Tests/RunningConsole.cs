using System.Net;
using System.Text.RegularExpressions;
using AirQuality.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Npgsql;

namespace AirQuality.EnforcementConsole.Tests;

/// <summary>The console on Kestrel on a free loopback port against a test database, and a browser-like client (cookies, no redirects followed).</summary>
public sealed partial class RunningConsole : IAsyncDisposable
{
    readonly WebApplication _app;

    RunningConsole(WebApplication app, Uri address)
    {
        _app = app;
        Address = address;
    }

    public Uri Address { get; }

    public ManualTime Time { get; private init; } = new(new DateTimeOffset(2026, 12, 1, 8, 0, 0, TimeSpan.Zero));

    public static async Task<RunningConsole> StartAsync(PostgresFixture postgres, NpgsqlDataSource db, ConsoleOptions? options = null)
    {
        var time = new ManualTime(new DateTimeOffset(2026, 12, 1, 8, 0, 0, TimeSpan.Zero));
        var app = ConsoleApp.Create("http://127.0.0.1:0", postgres.ConnectionString(db), options ?? new ConsoleOptions(), time);
        await app.StartAsync();
        return new RunningConsole(app, new Uri(app.Urls.Single())) { Time = time };
    }

    /// <summary>A new client with its own cookie jar, as a separate browser would be.</summary>
    public Client NewClient() => new(Address);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    public sealed class Client : IDisposable
    {
        readonly HttpClient _http;

        public Client(Uri address)
        {
            Cookies = new CookieContainer();
            _http = new HttpClient(new HttpClientHandler { CookieContainer = Cookies, AllowAutoRedirect = false }) { BaseAddress = address };
        }

        public CookieContainer Cookies { get; }

        public Task<HttpResponseMessage> GetAsync(string path) => _http.GetAsync(new Uri(path, UriKind.Relative));

        public Task<HttpResponseMessage> PostAsync(string path, IEnumerable<KeyValuePair<string, string>> form) =>
            _http.PostAsync(new Uri(path, UriKind.Relative), new FormUrlEncodedContent(form));

        /// <summary>A multipart form, as a browser sends one with a file input.</summary>
        public Task<HttpResponseMessage> PostMultipartAsync(string path, IEnumerable<KeyValuePair<string, string>> fields, (string Name, string FileName, byte[] Bytes, string ContentType)? file)
        {
            var content = new MultipartFormDataContent();
            foreach (var (name, value) in fields)
            {
                content.Add(new StringContent(value), name);
            }

            if (file is { } f)
            {
                var bytes = new ByteArrayContent(f.Bytes);
                bytes.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(f.ContentType);
                content.Add(bytes, f.Name, f.FileName);
            }

            return _http.PostAsync(new Uri(path, UriKind.Relative), content);
        }

        /// <summary>The anti-forgery token of the form on <paramref name="path"/> (the cookie half stays in the jar).</summary>
        public async Task<string> FormTokenAsync(string path = "/signin")
        {
            var html = await (await GetAsync(path)).Content.ReadAsStringAsync();
            return TokenField().Match(html) is { Success: true } m ? WebUtility.HtmlDecode(m.Groups[1].Value) : throw new InvalidOperationException("No anti-forgery token in the form of " + path);
        }

        public async Task<HttpResponseMessage> SignInAsync(string name, string password) =>
            await PostAsync("/signin", [new("__airq_token", await FormTokenAsync()), new("name", name), new("password", password)]);

        public void Dispose() => _http.Dispose();
    }

    [GeneratedRegex("name=\"__airq_token\" value=\"([^\"]+)\"")]
    private static partial Regex TokenField();
}
