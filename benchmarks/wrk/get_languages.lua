-- GET wrk's URL as a real crowd does: each request from another client address and with one
-- of 200 Accept-Language headers browsers send (40 locales, 5 forms each), in turn. They
-- resolve to a handful of the site's languages, or to none (the default language).
dofile(os.getenv("BENCH_WRK_DIR") .. "/common.lua")

local locales = {
  "es-MX", "es-ES", "es-AR", "es-CO", "es-CL", "es-US", "en-US", "en-GB", "en-IN", "en-CA",
  "en-AU", "en-ZA", "fr-FR", "fr-CA", "fr-BE", "fr-CH", "fr-SN", "de-DE", "de-AT", "de-CH",
  "it-IT", "it-CH", "pt-BR", "pt-PT", "pt-AO", "ur-PK", "ur-IN", "hi-IN", "ar-EG", "ar-MA",
  "tr-TR", "nl-NL", "pl-PL", "sv-SE", "el-GR", "ru-RU", "uk-UA", "ja-JP", "zh-CN", "ko-KR",
}
local languages = {}
for _, locale in ipairs(locales) do
  local language = locale:sub(1, 2)
  table.insert(languages, locale)
  table.insert(languages, string.format("%s,%s;q=0.9", locale, language))
  table.insert(languages, string.format("%s,%s;q=0.9,en;q=0.8", locale, language))
  table.insert(languages, string.format("%s,%s;q=0.9,en-US;q=0.8,en;q=0.7", locale, language))
  table.insert(languages, string.format("%s;q=1.0,%s;q=0.5,*;q=0.1", language, locale))
end

local sent = 0

function request()
  next_id()
  sent = sent + 1
  local language = languages[(sent % #languages) + 1]
  return wrk.format("GET", nil, {
    ["Accept-Language"] = language,
    ["X-Forwarded-For"] = client_address(),
  })
end
