using System.Globalization;
using System.Text.Json;

namespace Summit.Dr.Tests.Support;

/// <summary>One container of the fake engine, and what `docker inspect` says of it.</summary>
internal sealed class FakeContainer(string name, string image, bool running, string[] environment)
{
    public string Name { get; } = name;

    public string Image { get; set; } = image;

    public bool Running { get; set; } = running;

    public string[] Environment { get; set; } = environment;

    public Dictionary<string, string> Labels { get; } = new();

    public string User { get; set; } = string.Empty;

    /// <summary>The host path bind-mounted into a workbench container.</summary>
    public string? MountSource { get; init; }

    /// <summary>The container whose volumes a workbench shares (`--volumes-from`): its /data is that one's.</summary>
    public string? VolumesFrom { get; init; }

    /// <summary>Its id, as inspect prints it (derived from the name: a fake has one container per name).</summary>
    public string Id => "0123456789abcdef" + Name.GetHashCode(StringComparison.Ordinal).ToString("x8", CultureInfo.InvariantCulture);

    public string InspectJson() => InspectJson([this]);

    /// <summary>What `docker inspect` prints for these containers: one array of them all.</summary>
    public static string InspectJson(IEnumerable<FakeContainer> containers) => JsonSerializer.Serialize(containers.Select(c => new
    {
        c.Id,
        Name = "/" + c.Name,
        State = new { c.Running, Status = c.Running ? "running" : "exited" },
        Config = new { c.Image, Env = c.Environment, c.Labels, c.User },
    }));
}
