-- GET wrk's URL as a real crowd does: each request from another client address and with an
-- Accept-Language header as browsers send them. Four in five are one of 200 common ones
-- (40 locales, 5 forms each), in turn; one in five is one of 7,680 rarer ones (a locale,
-- then a second language and English at some weights), drawn at random: at wrk's rate, the
-- variety a smaller crowd shows over a few seconds. They resolve to a handful of the site's
-- languages, or to none (the default language).
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

local others = {"fr", "de", "it", "pt", "ru", "ar", "hi", "ja", "nl", "pl", "tr", "sv"}

function rare_language()
  local locale = locales[math.random(#locales)]
  return string.format("%s,%s;q=0.9,%s;q=0.%d,en;q=0.%d", locale, locale:sub(1, 2),
    others[math.random(#others)], math.random(5, 8), math.random(1, 4))
end

local sent, common = 0, 0

function request()
  next_id()
  sent = sent + 1
  local language
  if sent % 5 == 0 then
    language = rare_language()
  else
    common = common + 1
    language = languages[(common % #languages) + 1]
  end
  return wrk.format("GET", nil, {
    ["Accept-Language"] = language,
    ["X-Forwarded-For"] = client_address(),
  })
end
