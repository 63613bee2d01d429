namespace AirQuality.Reports;

/// <summary>
/// Saves a team's report as files (<c>airq report render</c>, <c>make demo</c>): the HTML, the text beside it with
/// <c>.txt</c>, and the map and episode charts as PNGs in a folder named after the HTML file with <c>.files</c>
/// (<c>team-d1.html</c> shows <c>team-d1.files/map.png</c>), so a browser opening the file shows the same pictures as the e-mail.
/// </summary>
/// <remarks>
/// The pictures are the e-mail's own (<see cref="ReportImages"/>, from <see cref="ReportFigureQueries"/>) with the same
/// alt texts; only their address differs, a relative path instead of <c>cid:</c>, which a file opened from disk cannot resolve.
/// </remarks>
public sealed class ReportFileWriter(ReportQueries queries, ReportFigureQueries figures)
{
    /// <summary>Suffix of the folder beside the HTML file that holds its PNGs.</summary>
    public const string ImageFolderSuffix = ".files";

    /// <summary>Renders <paramref name="team"/>'s report for <paramref name="day"/> to <paramref name="htmlPath"/>, with its text and images beside it.</summary>
    public async Task<WrittenReport> WriteAsync(EnforcementTeam team, DateOnly day, string htmlPath, Uri? consoleBaseUrl, CancellationToken cancellationToken)
    {
        htmlPath = Path.GetFullPath(htmlPath);
        var folder = Path.GetDirectoryName(htmlPath)!;
        var imageFolderName = Path.GetFileNameWithoutExtension(htmlPath) + ImageFolderSuffix;
        var imageFolder = Path.Combine(folder, imageFolderName);
        var report = await queries.LoadAsync(team, day, cancellationToken);
        // Escaped per segment: a team id or file name with a space or '#' would otherwise be read as part of a URL.
        var rendered = ReportRenderer.Render(report, consoleBaseUrl, await figures.LoadAsync(report, cancellationToken),
            image => Uri.EscapeDataString(imageFolderName) + "/" + Uri.EscapeDataString(image.FileName));

        Directory.CreateDirectory(folder);
        RemoveEarlierImages(imageFolder);
        var images = new List<string>(rendered.Images.Count);
        if (rendered.Images.Count > 0)
        {
            Directory.CreateDirectory(imageFolder);
            foreach (var image in rendered.Images)
            {
                var path = Path.Combine(imageFolder, image.FileName);
                await File.WriteAllBytesAsync(path, image.Png, cancellationToken);
                images.Add(path);
            }
        }

        var textPath = Path.ChangeExtension(htmlPath, ".txt");
        await File.WriteAllTextAsync(htmlPath, rendered.Html, cancellationToken);
        await File.WriteAllTextAsync(textPath, rendered.Text, cancellationToken);
        return new WrittenReport(htmlPath, textPath, images, rendered.Subject);
    }

    /// <summary>
    /// Deletes the PNGs in the report's own image folder, an earlier render's (a day with more episodes leaves more
    /// charts), and the folder if that empties it; other files there are left alone.
    /// </summary>
    static void RemoveEarlierImages(string imageFolder)
    {
        if (!Directory.Exists(imageFolder))
        {
            return;
        }

        foreach (var png in Directory.EnumerateFiles(imageFolder, "*.png"))
        {
            File.Delete(png);
        }

        if (!Directory.EnumerateFileSystemEntries(imageFolder).Any())
        {
            Directory.Delete(imageFolder);
        }
    }
}
