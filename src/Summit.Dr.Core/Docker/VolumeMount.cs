using System.Text.RegularExpressions;
using Summit.Dr.Errors;

namespace Summit.Dr.Docker;

/// <summary>
/// A named volume seen inside a container, written as `--mount type=volume,...`. The name must follow docker's own
/// rules for a volume name, so no value can carry a second key (a comma, `type=bind`) into the mount.
/// </summary>
public sealed partial record VolumeMount(string Volume, string Target, bool ReadOnly = false)
{
    public string Argument => Valid().IsMatch(Volume)
        ? $"type=volume,source={Volume},target={Target}" + (ReadOnly ? ",readonly" : string.Empty)
        : throw new IntegrityException($"'{Volume}' is not a docker volume name (letters, digits, `_`, `.` and `-`): no container is started with it.");

    [GeneratedRegex("^[a-zA-Z0-9][a-zA-Z0-9_.-]{1,254}$")]
    private static partial Regex Valid();
}
