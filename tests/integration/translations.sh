#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Translations: the German and French catalogs are complete for every file in po/POTFILES.in
# and valid; henbctl against a real henbd, henbctl's and henbd's --help, and the polkit action
# speak German (and French) with LANGUAGE=de (fr). The catalogs come from the build folder
# (HENB_LOCALEDIR); LANGUAGE needs a locale other than C, C.UTF-8 is in every glibc.
. "$(dirname "$0")/../lib/common.sh"

export HENB_LOCALEDIR
command -v xgettext >/dev/null || skip_all "gettext is not installed"
for lang in de fr; do
    check "$lang: the catalog is built" test -s "$HENB_LOCALEDIR/$lang/LC_MESSAGES/henbd.mo"
done

# complete: every message of the sources has a translation (msgcmp fails on one missing)
# (the keywords of meson's glib preset, which makes the catalogs)
(cd "$HENB_SOURCE_DIR" && xgettext --from-code=UTF-8 --add-comments=TRANSLATORS --keyword=_ --keyword=N_ \
    --keyword=C_:1c,2 --keyword=NC_:1c,2 --keyword=g_dcgettext:2 --keyword=g_dngettext:2,3 \
    --keyword=g_dpgettext2:2c,3 -f po/POTFILES.in -D . -o "$WORK/henbd.pot") >"$WORK/xgettext.log" 2>&1
check "xgettext reads every file in POTFILES.in" test -s "$WORK/henbd.pot"
for lang in de fr; do
    check "$lang.po: valid (msgfmt -c)" msgfmt -c -o /dev/null "$HENB_SOURCE_DIR/po/$lang.po"
    check "$lang.po: every message of the sources (msgcmp)" msgcmp "$HENB_SOURCE_DIR/po/$lang.po" "$WORK/henbd.pot"
    check_eq "$lang.po: nothing untranslated or fuzzy" "0" \
        "$(msgattrib --untranslated --only-fuzzy "$HENB_SOURCE_DIR/po/$lang.po" 2>/dev/null | grep -c '^msgid "[^"]')"
done

de() { LANG=C.UTF-8 LC_ALL= LANGUAGE=de "$@"; }
fr() { LANG=C.UTF-8 LC_ALL= LANGUAGE=fr "$@"; }

# the polkit action, merged from the catalogs
check "polkit action: German description" grep -q '<description xml:lang="de">Den Bootstrap des HeNB' "$HENB_DATA_DIR/org.henbd.HeNB1.policy"
check "polkit action: French message" grep -q '<message xml:lang="fr">Une authentification est nécessaire' "$HENB_DATA_DIR/org.henbd.HeNB1.policy"

# --help: the four defaults with a path are translated too
out=$(de "$HENBD" --help)
check_contains "henbd --help in German: --config with its default" "Werkskonfigurationsdatei (Vorgabe: " "$out"
check_contains "henbd --help in German: --state-dir with its default" "Wo henbd speichert, was das HeMS konfiguriert hat (Vorgabe: " "$out"
check_contains "henbd --help in German: --conf-dir" "Ordner der Konfigurationsteile (Vorgabe: " "$out"
check_contains "henbd --help in German: --plugin-dir" "Ordner, aus dem Plugins geladen werden (Vorgabe: " "$out"
check_contains "henbd --help in French: --config" "Fichier de configuration d’usine (par défaut : " "$(fr "$HENBD" --help)"
check_contains "henbctl --help in German" "Befehle:" "$(de "$HENBCTL" --help)"
check_contains "henbctl help wait in German: the exit codes" "5 nicht berechtigt" "$(de "$HENBCTL" help wait)"
check_contains "henbctl help wait in French" "Code de sortie : 0 succès" "$(fr "$HENBCTL" help wait)"
check_contains "without LANGUAGE: English" "Exit status: 0 success" "$("$HENBCTL" help wait)"

# henbctl against a real henbd, registered
make_pki
start_bus
out=$(de "$HENBCTL" --session status 2>&1)
check_eq "German without henbd: says so" "henbctl: henbd läuft nicht auf dem Sitzungsbus" "$out"
start_dns hems.henb.test=$INITIAL_IP serving.henb.test=$SERVING_IP
start_hems initial $INITIAL_IP:7547 --role initial $(tls_args hems-dns) \
    --serving-hems-url https://serving.henb.test:7548/cwmp --s1 10.20.0.1
start_hems serving $SERVING_IP:7548 --role serving $(tls_args hems-dns) --s1-port 36414
write_factory https://hems.henb.test:7547/cwmp
start_henbd
de "$HENBCTL" --session monitor --timeout "$(scaled 30)" >"$WORK/monitor.de" 2>&1
check_eq "German monitor: exit 0 on registered" "0" "$?"
check "German monitor: registered" grep -qx "registriert bei https://serving.henb.test:7548/cwmp" "$WORK/monitor.de"
de "$HENBCTL" --session status >"$WORK/status.de"
check "German status: state line" grep -qx "Zustand: registered" "$WORK/status.de"
check "German status: S1 port" grep -qx "S1-Port: 36414" "$WORK/status.de"
check "German status: no tunnel" grep -qx "Tunnel: keiner" "$WORK/status.de"
check "German status: the steps" grep -qx "Schritte:" "$WORK/status.de"
check "German status: no English line left but the values" bash -c "! grep -E '^(state|serving HeMS|tunnel|steps):' '$WORK/status.de'"
fr "$HENBCTL" --session status >"$WORK/status.fr"
check "French status: state line" grep -qx "état : registered" "$WORK/status.fr"
check "French status: S1 over IPsec (the HeMS set the indicator)" grep -qx "S1 sur IPsec : oui" "$WORK/status.fr"
check_eq "JSON stays the same in German" "$("$HENBCTL" --session status -f state,steps --json)" "$(de "$HENBCTL" --session status -f state,steps --json)"
de "$HENBCTL" --session cancel >"$WORK/cancel.de" 2>&1
check "German error: cancel when registered" grep -q "^henbctl: Cancel fehlgeschlagen: " "$WORK/cancel.de"
finish
