using System.ComponentModel;
using System.Globalization;

namespace Summit.Dr.Configuration;

/// <summary>
/// A setting whose values are words (`bind-mount`): read from the configuration as they are written there, in any
/// case, into the enum; any other word is refused naming the allowed ones (<see cref="SettingValues"/>).
/// </summary>
public sealed class SettingValueConverter<T> : TypeConverter
    where T : struct, Enum
{
    public override bool CanConvertFrom(ITypeDescriptorContext? context, Type sourceType) =>
        sourceType == typeof(string) || base.CanConvertFrom(context, sourceType);

    public override object? ConvertFrom(ITypeDescriptorContext? context, CultureInfo? culture, object value) =>
        value is string text
            ? SettingValues.Parse<T>(text) ?? throw new FormatException($"'{text}' is not one of " +
                $"{string.Join(", ", SettingValues.Names<T>())}")
            : base.ConvertFrom(context, culture, value);
}
