using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using AirQuality.Storage.Registry;

namespace AirQuality.Attribution.Training;

/// <summary>
/// Keeps each simulated world's labelled episodes and incidents in a folder so that trying another model on the same
/// worlds does not simulate and label them again (a minute a world). A development aid: files are keyed by the world,
/// the registry, the detection and attribution settings, the feature names and <see cref="LabelsVersion"/>.
/// </summary>
public sealed class EpisodeCache(string directory, CityRegistry registry, object settings)
{
    /// <summary>Change whenever simulation, detection, labelling or the features change in a way their names do not show.</summary>
    public const string LabelsVersion = "2026-12-11.displaced-plume";

    static readonly JsonSerializerOptions Json = new() { NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals };

    readonly string _fingerprint = Hash(JsonSerializer.Serialize(new { LabelsVersion, registry, Settings = JsonSerializer.Serialize(settings), CandidateFeatures.Names }, Json));

    public bool TryLoad(WorldSpec world, out (IReadOnlyList<LabelledEpisode> Episodes, IReadOnlyList<ScoredIncident> Incidents) labelled)
    {
        var path = PathOf(world);
        labelled = default;
        if (!File.Exists(path))
        {
            return false;
        }

        var stored = JsonSerializer.Deserialize<Stored>(File.ReadAllBytes(path), Json);
        if (stored is null)
        {
            return false;
        }

        labelled = (stored.Episodes, stored.Incidents);
        return true;
    }

    public void Save(WorldSpec world, IReadOnlyList<LabelledEpisode> episodes, IReadOnlyList<ScoredIncident> incidents)
    {
        Directory.CreateDirectory(directory);
        var path = PathOf(world);
        File.WriteAllBytes(path + ".tmp", JsonSerializer.SerializeToUtf8Bytes(new Stored(episodes, incidents), Json));
        File.Move(path + ".tmp", path, overwrite: true);
    }

    string PathOf(WorldSpec world) => Path.Combine(directory, $"{Hash(_fingerprint + world)[..16]}.json");

    static string Hash(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    sealed record Stored(IReadOnlyList<LabelledEpisode> Episodes, IReadOnlyList<ScoredIncident> Incidents);
}
